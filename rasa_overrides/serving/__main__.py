"""``python -m rasa_overrides.serving <rasa arguments>``: Rasa's command line, tuned for serving.

Sanic workers are forked from this process (Sanic 21.12), so what is set up
here holds in every worker.
"""

from __future__ import annotations

import os
import sys

# One compute thread per process: the server scales out by Sanic workers, and
# TensorFlow's or OpenMP's own thread pools would only fight them for the same
# cores (bench/choices.md). Set before
# NumPy or TensorFlow is imported; an explicit setting in the environment wins.
SINGLE_THREADED_COMPUTE = {
    "TF_INTER_OP_PARALLELISM_THREADS": "1",  # read by Rasa's TensorFlow set-up
    "TF_INTRA_OP_PARALLELISM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
}


def main() -> None:
    # Log lines reach a log file or a pipe as they happen, not when a buffer fills.
    for stream in (sys.stdout, sys.stderr):
        stream.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    for name, value in SINGLE_THREADED_COMPUTE.items():
        os.environ.setdefault(name, value)

    import logging

    # Importing skops (how Rasa loads the intent classifier) walks sklearn's
    # packages, and numpy.distutils then lowers the root logger to WARNING in
    # passing, which hides Rasa's "Rasa server is up and running". Import it
    # here, once for all workers, and put the level back.
    root_level = logging.getLogger().level
    import skops.io  # noqa: F401

    logging.getLogger().setLevel(root_level)

    from rasa.__main__ import main as rasa_main

    from rasa_overrides.serving import action_outage, action_response, event_types, http_timeouts, preload

    action_response.install()
    action_outage.install()
    event_types.install()
    http_timeouts.install()
    preload.install()
    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()
