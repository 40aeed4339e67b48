from common.migrations import run_env
from services.datasets.models import Base

run_env(Base.metadata)
