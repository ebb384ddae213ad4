"""The production server's settings (gunicorn.conf.py)."""

import gc
import runpy
from pathlib import Path

CONFIG = Path(__file__).resolve().parent.parent / "gunicorn.conf.py"


def test_a_worker_leaves_what_it_loaded_at_start_out_of_full_collections():
    config = runpy.run_path(str(CONFIG))
    assert gc.get_freeze_count() == 0
    try:
        config["post_worker_init"](worker=None)
        assert gc.get_freeze_count() > 50_000  # Django and the apps the tests loaded
    finally:
        gc.unfreeze()
