"""Reading this process's metrics (the suite runs without PROMETHEUS_MULTIPROC_DIR, so they
are prometheus_client's default registry): tests compare a value before and after."""

from prometheus_client import REGISTRY


def sample(name: str, **labels: str) -> float:
    """The current value of one sample; 0 for a series not created yet."""
    return REGISTRY.get_sample_value(name, labels) or 0.0
