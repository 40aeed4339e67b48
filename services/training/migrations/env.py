from common.migrations import run_env
from services.training.models import Base

run_env(Base.metadata)
