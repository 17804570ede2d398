"""SpiffWorkflow running the benchmark's six user tasks, the workflow persisted after each one.

The baseline for motcua's six-step procedure (`motcua bench run`): one process, one client, as
motcua's figure. Persistence is what a SpiffWorkflow application does: serialise the workflow
to JSON and save it in SQLite (WAL, synchronous=FULL, as motcua's SQLite) in its own committed
transaction after every completed task. Prints one JSON line: procedures done, seconds, and the
latency of each procedure in microseconds.

Usage: python six_steps.py BPMN_FILE DB_FILE SECONDS
"""

import json
import sqlite3
import sys
import time
import uuid

from SpiffWorkflow.bpmn.parser import BpmnParser
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

# What each task records, as motcua's commands carry it.
TASK_DATA = {
    "tiep_nhan": {"officer": "mc1", "documents": ["don-11dk", "gcn"]},
    "phan_cong": {"officer": "ld1", "assignee": "cv1"},
    "tham_tra": {"officer": "cv1", "note": "Đủ điều kiện"},
    "ky": {"officer": "ld1", "note": None},
    "ghi_ket_qua": {"officer": "mc1", "result": "GCN đã xác nhận thay đổi"},
    "tra_ket_qua": {"officer": "mc1"},
}


def main():
    bpmn, db_file, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
    parser = BpmnParser()
    parser.add_bpmn_file(bpmn)
    spec = parser.get_spec("six_steps")
    serializer = BpmnWorkflowSerializer()
    db = sqlite3.connect(db_file, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("CREATE TABLE IF NOT EXISTS workflows (id TEXT PRIMARY KEY, state TEXT NOT NULL)")

    def persist(key, workflow):
        state = serializer.serialize_json(workflow)
        db.execute("BEGIN IMMEDIATE")
        db.execute("INSERT OR REPLACE INTO workflows (id, state) VALUES (?, ?)", (key, state))
        db.execute("COMMIT")

    latencies = []
    started = time.perf_counter()
    deadline = started + seconds
    while time.perf_counter() < deadline:
        t = time.perf_counter()
        key = str(uuid.uuid4())
        workflow = BpmnWorkflow(spec)
        workflow.do_engine_steps()
        persist(key, workflow)
        done = 0
        while not workflow.is_completed():
            ready = workflow.get_tasks(state=TaskState.READY, manual=True)
            if not ready:
                raise SystemExit("no ready user task before the end")
            task = ready[0]
            task.data.update(TASK_DATA[task.task_spec.name])
            task.run()
            workflow.do_engine_steps()
            persist(key, workflow)
            done += 1
        if done != 6:
            raise SystemExit(f"expected six user tasks, ran {done}")
        latencies.append(int((time.perf_counter() - t) * 1_000_000))
    elapsed = time.perf_counter() - started
    print(json.dumps({"ops": len(latencies), "seconds": elapsed, "latencies_us": latencies}))


if __name__ == "__main__":
    main()
