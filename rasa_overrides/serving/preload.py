"""The model loaded once, before Sanic forks its workers, so that they share its pages.

Stock Rasa loads the model in every worker (a ``before_server_start`` listener),
after the fork: each worker holds its own copy of spaCy's vectors and pipes, the
classifier and the domain. Here ``serve_application`` first loads the model in
the parent process, then ``gc.freeze()`` moves every object alive into the
permanent generation, so that the workers' garbage collections never write to
those pages and the fork's copy-on-write leaves them shared. In each worker, the
processor's model loading returns the preloaded model when the path, size and
modification time are those preloaded; any other model (``PUT /model``) loads as
stock. Nothing is changed for ``rasa run``: only ``python -m rasa_overrides.serving``
installs this.
"""

from __future__ import annotations

import functools
import gc
import logging
import os
from pathlib import Path
from typing import Any, Callable, Dict, Optional, Text, Tuple, Union

logger = logging.getLogger(__name__)

ModelKey = Tuple[str, int, int]
_preloaded: Dict[ModelKey, Any] = {}


def model_key(model_path: Union[Text, Path]) -> Optional[ModelKey]:
    """The file a model path names (a directory: its latest model), with its size and time."""
    from rasa.model import get_latest_model

    path = Path(model_path)
    if path.is_dir():
        latest = get_latest_model(path)
        if not latest:
            return None
        path = Path(latest)
    if not path.is_file():
        return None
    stat = path.stat()
    return (str(path.resolve()), stat.st_size, stat.st_mtime_ns)


def preload(model_path: Union[Text, Path]) -> bool:
    """Load the model in this process and freeze the heap; False if there is no model file."""
    key = model_key(model_path)
    if key is None:
        return False
    _preloaded[key] = _stock_load_model(key[0])
    gc.collect()
    gc.freeze()
    logger.info("Model loaded before the workers start: %s", os.path.basename(key[0]))
    return True


_stock_load_model: Callable[[Union[Text, Path]], Any]


def _load_model(model_path: Union[Text, Path]) -> Any:
    key = model_key(model_path) if _preloaded else None
    if key is not None and key in _preloaded:
        return _preloaded[key]
    return _stock_load_model(model_path)


def install() -> None:
    """Preload in ``serve_application``; processors reuse the preloaded model."""
    global _stock_load_model
    import rasa.core.run
    from rasa.core.processor import MessageProcessor

    if getattr(MessageProcessor._load_model, "__preload__", False):
        return
    _stock_load_model = MessageProcessor._load_model
    _load_model.__preload__ = True  # type: ignore[attr-defined]
    MessageProcessor._load_model = staticmethod(_load_model)  # type: ignore[assignment]

    stock_serve = rasa.core.run.serve_application

    # wraps: rasa.api.run passes only the keyword arguments the signature names.
    @functools.wraps(stock_serve)
    def serve_application(model_path: Optional[Text] = None, *args: Any, **kwargs: Any) -> Any:
        if model_path:
            preload(model_path)
        return stock_serve(model_path, *args, **kwargs)

    rasa.core.run.serve_application = serve_application
