import pytest

from services.training.engines import (
    ENGINES,
    EngineError,
    InvalidParamsError,
    TrainParams,
    UnknownEngineError,
    get_engine,
)
from services.training.engines.capabilities import EngineCapability


def test_registry_lists_the_engines_with_their_parameters():
    assert set(ENGINES) == {
        "gaussian_copula", "ctgan", "tvae", "copulagan", "tabular_argn", "hma", "par"
    }  # fmt: skip
    ctgan = get_engine("ctgan")
    assert ctgan.library == "sdv" and "BUSL" in ctgan.license
    assert ctgan.default_epochs == 300
    pac = next(p for p in ctgan.parameters if p.name == "pac")
    assert (pac.type, pac.default, pac.minimum) == ("int", 10, 1)
    assert get_engine("tabular_argn").license == "Apache-2.0"


def test_engines_say_what_kind_of_dataset_they_learn():
    single = EngineCapability.SINGLE_TABLE
    assert get_engine("tabular_argn").capabilities == set(EngineCapability)
    assert get_engine("hma").capabilities == {EngineCapability.RELATIONAL}
    assert get_engine("par").capabilities == {EngineCapability.SEQUENTIAL}
    for name in ("gaussian_copula", "ctgan", "tvae", "copulagan"):
        assert get_engine(name).capabilities == {single}
    assert "BUSL" in get_engine("hma").license and "BUSL" in get_engine("par").license


def test_a_multi_table_engine_is_no_single_table_engine():
    with pytest.raises(EngineError, match="several linked tables"):
        get_engine("hma").create()


def test_unknown_engine_is_a_clear_error():
    with pytest.raises(UnknownEngineError, match=r"unknown engine 'gpt'.*ctgan"):
        get_engine("gpt")


def test_defaults_are_filled_in():
    params = TrainParams.build(get_engine("ctgan"), seed=7)
    assert params.epochs == 300 and params.batch_size == 500 and params.seed == 7
    assert params.options["pac"] == 10 and params.options["embedding_dim"] == 128


@pytest.mark.parametrize("epochs", [0, -3, 1.5, True])
def test_epochs_must_be_positive_integers(epochs):
    with pytest.raises(InvalidParamsError) as err:
        TrainParams.build(get_engine("tvae"), epochs=epochs)
    assert err.value.field == "epochs"


def test_epochs_are_refused_for_an_engine_without_epochs():
    with pytest.raises(InvalidParamsError) as err:
        TrainParams.build(get_engine("gaussian_copula"), epochs=10)
    assert err.value.field == "epochs"


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"learning_rate": 0.1}, "options.learning_rate"),
        ({"pac": 0}, "pac"),
        ({"pac": "ten"}, "pac"),
        ({"embedding_dim": 4096}, "embedding_dim"),
    ],
)
def test_unknown_or_out_of_range_options(options, field):
    with pytest.raises(InvalidParamsError) as err:
        TrainParams.build(get_engine("ctgan"), options=options)
    assert err.value.field == field


def test_choice_options_are_checked():
    with pytest.raises(InvalidParamsError, match="must be one of"):
        TrainParams.build(get_engine("tabular_argn"), options={"model_size": "huge"})


def test_ctgan_batch_size_must_fit_pac():
    with pytest.raises(InvalidParamsError) as err:
        TrainParams.build(get_engine("ctgan"), batch_size=30, options={"pac": 4})
    assert err.value.field == "batch_size"
    assert (
        TrainParams.build(get_engine("ctgan"), batch_size=40, options={"pac": 4}).batch_size == 40
    )


@pytest.mark.parametrize("budget", [0, -1, float("inf")])
def test_time_budget_must_be_positive(budget):
    with pytest.raises(InvalidParamsError) as err:
        TrainParams.build(get_engine("tabular_argn"), time_budget_seconds=budget)
    assert err.value.field == "time_budget_seconds"


def test_listing_engines_does_not_import_torch():
    import subprocess
    import sys

    code = (
        "import sys, services.training.engines as e; e.get_engine('ctgan');"
        "print('torch' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
