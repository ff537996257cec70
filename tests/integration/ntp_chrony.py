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


def measured_offsets(logdir):
    """Offsets (s) of chronyd's accepted samples, from measurements.log."""
    path = os.path.join(logdir, "measurements.log")
    offsets = []
    if not os.path.exists(path):
        return offsets
    with open(path) as f:
        for line in f:
            fields = line.split()
            # date time ip leap stratum tests(3) local-poll remote-poll score offset ...
            if len(fields) > 11 and fields[0][:2] == "20":
                offsets.append(float(fields[11]))
    return offsets


def estimated_offsets(logdir):
    """chronyd's per-source offset estimates after its filter and regression (statistics.log):
    the figure comparable with what our selection hands to the discipline."""
    path = os.path.join(logdir, "statistics.log")
    offsets = []
    if not os.path.exists(path):
        return offsets
    with open(path) as f:
        for line in f:
            fields = line.split()
            # date time ip std_dev est_offset offset_sd diff_freq est_skew stress ns bs nr asym
            if len(fields) > 4 and fields[0][:2] == "20":
                offsets.append(float(fields[4]))
    return offsets
