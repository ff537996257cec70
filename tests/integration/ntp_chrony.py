"""chronyd for the NTP tests and benchmark: a private config in a temp dir, started with -x (it
never touches the system clock) and -u root (so it may write its logs there), killed at the end."""
import os
import subprocess
import time


def start_chronyd(tmp, name, lines):
    """Starts `chronyd -x -d` with `lines` plus a private pidfile, cmdport 0 and a log dir."""
    logdir = os.path.join(tmp, f"{name}-logs")
    os.makedirs(logdir, exist_ok=True)
    conf = os.path.join(tmp, f"{name}.conf")
    with open(conf, "w") as f:
        f.write("\n".join(lines + [
            "cmdport 0",
            f"pidfile {tmp}/{name}.pid",
            f"driftfile {tmp}/{name}.drift",
            f"logdir {logdir}",
            "log measurements statistics",
        ]) + "\n")
    log = open(os.path.join(tmp, f"{name}.log"), "w")
    proc = subprocess.Popen(["chronyd", "-x", "-d", "-u", "root", "-f", conf], stdout=log,
                            stderr=subprocess.STDOUT)
    time.sleep(0.5)
    return proc, logdir


def stop_chronyd(proc):
    proc.terminate()
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _log_column(logdir, name, column):
    """Floats of `column` on the data lines (they start with the date) of chronyd's log `name`."""
    path = os.path.join(logdir, name)
    if not os.path.exists(path):
        return []
    with open(path) as f:
        rows = [line.split() for line in f]
    return [float(r[column]) for r in rows if len(r) > column and r[0][:2] == "20"]


def measured_offsets(logdir):
    """Offsets (s) of chronyd's accepted samples, from measurements.log
    (date time ip leap stratum tests(3) local-poll remote-poll score offset ...)."""
    return _log_column(logdir, "measurements.log", 11)


def estimated_offsets(logdir):
    """chronyd's per-source offset estimates after its filter and regression (statistics.log:
    date time ip std_dev est_offset ...): the figure comparable with what our selection hands to
    the discipline."""
    return _log_column(logdir, "statistics.log", 4)
