"""Running a benchmark's workers in spawned processes, timed together.

Each worker gets its own Django and database connection (spawned, not forked: a forked child
would share the parent's connection). The clock starts when every worker has set itself up and
waits at the barrier, and stops when the last one has put its result.
"""

import multiprocessing
import time


def run_in_processes(target, per_worker_args):
    """Start `target(*args, barrier, results)` once per tuple of `per_worker_args`; each worker
    calls barrier.wait() when ready and results.put(...) once when done. Returns (seconds from
    the barrier to the last result, [the results, in the order they arrived])."""
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(len(per_worker_args) + 1)
    results = context.Queue()
    workers = [
        context.Process(target=target, args=(*args, barrier, results)) for args in per_worker_args
    ]
    for process in workers:
        process.start()
    barrier.wait()
    began = time.perf_counter()
    collected = [results.get() for _ in workers]
    seconds = time.perf_counter() - began
    for process in workers:
        process.join()
        if process.exitcode:
            raise SystemExit(f"worker {process.pid} failed with exit code {process.exitcode}")
    return seconds, collected
