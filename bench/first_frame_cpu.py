"""Run a Textual program and note the CPU time it has used (all threads, since the interpreter started)
when it first writes a frame holding TEXT. The wall clock of a start-up on a shared machine measures the
machine as much as the program; CPU time is far less disturbed by other processes.

    python bench/first_frame_cpu.py OUT TEXT -m MODULE [ARGS...]
    python bench/first_frame_cpu.py OUT TEXT SCRIPT [ARGS...]

The program runs on as usual (the bench then quits it with ctrl+q); OUT gets one line, the seconds.
"""

import resource
import runpy
import sys

import textual.drivers.linux_driver as linux_driver


def main() -> None:
    out, text, *argv = sys.argv[1:]
    write = linux_driver.LinuxDriver.write
    noted = []

    def noting_write(self, data: str) -> None:
        if not noted and text in data:
            spent = resource.getrusage(resource.RUSAGE_SELF)
            noted.append(spent.ru_utime + spent.ru_stime)
            with open(out, "w", encoding="utf-8") as fh:
                fh.write(f"{noted[0]:.4f}\n")
        write(self, data)

    linux_driver.LinuxDriver.write = noting_write
    if argv[0] == "-m":
        sys.argv = [argv[1], *argv[2:]]
        runpy.run_module(argv[1], run_name="__main__", alter_sys=True)
    else:
        sys.argv = argv
        runpy.run_path(argv[0], run_name="__main__")


if __name__ == "__main__":
    main()
