"""Warm kernels: the start-up of a kernel (Python, IPython, pandas, Altair, the report package — about 1 s) is paid
once per worker, not once per notebook.

Papermill stays the runner: the engine registered here (``jinan-warm``) is papermill's own nbclient engine, given a
kernel that is already running instead of starting one. Before each notebook the kernel's namespace is emptied
(IPython's ``%reset -f``: every name the previous notebook defined is gone), its working directory and chart folder
are set for the notebook, and its execution counter goes back to 1, all silently (no history, no output, no count),
so that a notebook executed in a warm kernel is byte-identical to one executed in a fresh kernel. Modules stay
imported: that is the point. What a notebook computes is not cached between notebooks.

A kernel belongs to the worker thread that started it (its client runs on that thread's event loop) and is shut
down by that thread when the run ends, whatever happened.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from nbclient.util import run_sync
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, papermill_engines
from papermill.utils import merge_kwargs, remove_args

from .startup import SKIP_CODE

ENGINE_NAME = "jinan-warm"
#: what every template imports first; imported once per kernel (without the modules :mod:`.startup` skips)
PRELOAD = f"{SKIP_CODE}\nimport pandas, altair, jinan_eval.report, jinan_eval.report.render"
#: IPython's input history is off: the counter goes back to 1 for each notebook, and a history database would refuse
#: the repeated line numbers with an "ERROR! Session/line number was not unique" in the notebook's output
KERNEL_ARGUMENTS = ["--HistoryManager.enabled=False"]
START_TIMEOUT_S = 60
REPLY_TIMEOUT_S = 120
log = logging.getLogger(__name__)


class KernelFailed(RuntimeError):
    pass


class WarmKernel:
    """One running kernel with the report's libraries imported."""

    def __init__(self, kernel_name: str = "python3", extra_arguments: list[str] | None = None,
                 cwd: Path | None = None):
        # the kernel's channels are Unix sockets in a folder of its own, not TCP ports: ports are chosen before the
        # kernel binds them, and two kernels starting at once could be handed the same one ("Address already in
        # use"; the kernel then never answers)
        self.sockets = Path(tempfile.mkdtemp(prefix="jinan-kernel-"))
        self.km = AsyncKernelManager(kernel_name=kernel_name, transport="ipc", ip=str(self.sockets / "k"))
        run_sync(self.km.start_kernel)(extra_arguments=[*KERNEL_ARGUMENTS, *(extra_arguments or [])],
                                       cwd=str(cwd or os.getcwd()))
        self.kc = self.km.client()
        self.kc.start_channels()
        try:
            run_sync(self.kc.wait_for_ready)(timeout=START_TIMEOUT_S)
            self.run(PRELOAD)
        except BaseException:
            self.shutdown()
            raise

    def run(self, code: str) -> None:
        """Execute code silently (no output, no history, no execution count); raise if it fails."""
        msg_id = self.kc.execute(code, silent=True, store_history=False)
        reply = run_sync(self._reply)(msg_id)
        content = reply["content"]
        if content.get("status") != "ok":
            raise KernelFailed(f"{content.get('ename', 'error')}: {content.get('evalue', '')}")

    async def _reply(self, msg_id: str) -> dict:
        while True:
            msg = await self.kc.get_shell_msg(timeout=REPLY_TIMEOUT_S)
            if msg["parent_header"].get("msg_id") == msg_id:
                return msg

    def prepare(self, cwd: Path, environ: dict[str, str | None], edition_file: Path | None = None) -> None:
        """A clean kernel for the next notebook: empty namespace, its working directory and environment variables
        (None: unset), the execution counter at 1 (as in a kernel just started); with ``edition_file``, the build's
        data and assessment read (once per file) for the page's ``context()``."""
        lines = ["get_ipython().run_line_magic('reset', '-f')",
                 f"__import__('os').chdir({str(cwd)!r})"]
        if edition_file is not None:
            lines.append(f"__import__('jinan_eval.report.context', fromlist=['_']).use_edition({str(edition_file)!r})")
        lines += [f"__import__('os').environ[{key!r}] = {value!r}" if value is not None
                  else f"__import__('os').environ.pop({key!r}, None)" for key, value in environ.items()]
        lines.append("get_ipython().execution_count = 1")
        self.run("\n".join(lines))

    def shutdown(self) -> None:
        try:
            if hasattr(self, "kc"):
                self.kc.stop_channels()
        finally:
            try:
                run_sync(self.km.shutdown_kernel)(now=True)
            finally:
                shutil.rmtree(self.sockets, ignore_errors=True)


class WarmEngine(NBClientEngine):
    """Papermill's nbclient engine, executing in the running kernel passed as ``warm=``."""

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None, stderr_file=None,
                                 start_timeout=60, execution_timeout=None, warm: WarmKernel | None = None,
                                 **kwargs):
        if warm is None:
            raise ValueError(f"the {ENGINE_NAME} engine needs warm=WarmKernel(...)")
        kwargs = remove_args(["input_path"], **kwargs)
        safe_kwargs = remove_args(["timeout", "startup_timeout"], **kwargs)
        final_kwargs = merge_kwargs(safe_kwargs, timeout=execution_timeout if execution_timeout else kwargs.get("timeout"),
                                    startup_timeout=start_timeout, kernel_name=kernel_name, log=log,
                                    log_output=log_output, stdout_file=stdout_file, stderr_file=stderr_file)
        # a client given a kernel manager does not own it: the kernel outlives the notebook
        client = PapermillNotebookClient(nb_man, km=warm.km, **final_kwargs)
        client.kc = warm.kc
        return client.execute()


papermill_engines.register(ENGINE_NAME, WarmEngine)
