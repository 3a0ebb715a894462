# Runs one notebook on a Jupyter kernel through nbclient for scripts/reproduce.mjs, printing one JSON
# line per event: {"event": "start", "index", "of", "head"} before each code cell and
# {"event": "done", "failure"} at the end. Arguments: notebook, output path, timeout per cell (s,
# 0 = none), kernel name.
import json, os, signal, sys
import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
src, out, timeout, kernel = sys.argv[1], sys.argv[2], int(float(sys.argv[3])), sys.argv[4]
nb = nbformat.read(src, as_version=4)
client = NotebookClient(nb, timeout=(None if timeout <= 0 else timeout), kernel_name=kernel,
                        resources={"metadata": {"path": os.path.dirname(os.path.abspath(src))}})
code = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
failure = None
def emit(**kw):
    print(json.dumps(kw), flush=True)
# A stopped run shuts its kernel down: Python's default SIGTERM would end this process at once and
# leave the kernel (its own session, which tslab does not tie to its parent) running.
class Stopped(BaseException):
    pass
def stop(signum, frame):
    raise Stopped()
signal.signal(signal.SIGTERM, stop)
try:
    with client.setup_kernel():
        for n, idx in enumerate(code):
            cell = nb.cells[idx]
            head, in_import = "", False
            for line in (l.strip() for l in cell.source.splitlines()):
                if in_import or line.startswith("import "):
                    in_import = not (" from " in line or line.startswith("} from") or line.endswith(";"))
                    continue
                if line and not line.startswith(("//", "/*", "*")):
                    head = line
                    break
            emit(event="start", index=n + 1, of=len(code), head=head[:70])
            try:
                client.execute_cell(cell, idx)
            except (CellExecutionError, CellTimeoutError, DeadKernelError) as e:
                msgs = [o.get("text", "") for o in cell.get("outputs", []) if o.get("output_type") == "stream" and o.get("name") == "stderr"]
                msgs += ["%s: %s" % (o.get("ename", ""), o.get("evalue", "")) for o in cell.get("outputs", []) if o.get("output_type") == "error"]
                detail = "".join(msgs).strip() or str(e).strip().splitlines()[-1:]
                failure = {"cell": n + 1, "of": len(code), "kind": type(e).__name__, "message": detail if isinstance(detail, str) else " ".join(detail)}
                break
except Stopped:
    sys.exit(143)
except Exception as e:
    failure = failure or {"cell": None, "of": len(code), "kind": type(e).__name__, "message": str(e)}
nbformat.write(nb, out)
emit(event="done", failure=failure)
