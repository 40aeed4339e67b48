"""A training worker builds the template vocabularies of its warm locales before it takes
jobs (``TRAINING_TEMPLATE_WARM_LOCALES``): its first template job or shard does not spend
seconds drawing names and places, and a locale it cannot build stops it at start."""

from __future__ import annotations

import pytest

from services.training.settings import TrainingSettings
from services.training.templates import vocab
from tests.support import start_training_worker


def test_the_warm_locales_are_read_from_the_environment(monkeypatch, own_training_config):
    assert TrainingSettings(**own_training_config).template_warm_locales == ["en_US"]
    monkeypatch.setenv("TRAINING_TEMPLATE_WARM_LOCALES", '["de_DE", "ja_JP"]')
    assert TrainingSettings(**own_training_config).template_warm_locales == ["de_DE", "ja_JP"]


async def test_a_worker_has_built_its_locales_vocabularies_before_it_serves(own_training_config):
    vocab.value_lengths.cache_clear()
    vocab.get_vocabulary.cache_clear()
    worker = await start_training_worker(**own_training_config, template_warm_locales=["fr_FR"])
    try:
        built = vocab.get_vocabulary.cache_info()
        vocab.get_vocabulary("fr_FR")
        # Answered from the cache: the worker built it while starting.
        assert vocab.get_vocabulary.cache_info().hits == built.hits + 1
        assert vocab.get_vocabulary.cache_info().currsize == built.currsize == 1
    finally:
        await worker.stop(0)


async def test_a_worker_asked_to_warm_an_unknown_locale_does_not_start(own_training_config):
    with pytest.raises(ValueError, match=r"unsupported locale 'xx_XX'; supported: en_US"):
        await start_training_worker(**own_training_config, template_warm_locales=["xx_XX"])
