package dev.wharf.bench.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What Linux says about a running process: CPU time from {@code /proc/<pid>/stat} (fields 14 and
 * 15, utime and stime, in clock ticks) and memory from {@code /proc/<pid>/status} (VmHWM, the peak
 * resident set, and VmRSS, the current one, in KiB).
 */
final class ProcStat {
    private final long pid;
    private final long ticksPerSecond;

    ProcStat(long pid, long ticksPerSecond) {
        this.pid = pid;
        this.ticksPerSecond = ticksPerSecond;
    }

    /** The process watched. */
    long pid() {
        return pid;
    }

    /** utime + stime so far, in seconds. */
    double cpuSeconds() throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        // the command name (field 2) is in parentheses and may hold spaces; fields 3.. follow the last ')'
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        long utime = Long.parseLong(fields[11]);
        long stime = Long.parseLong(fields[12]);
        return (utime + stime) / (double) ticksPerSecond;
    }

    /** Peak resident set size so far, in MiB. */
    double peakRssMiB() throws IOException {
        return statusKiB("VmHWM:") / 1024.0;
    }

    /** Current resident set size, in MiB. */
    double rssMiB() throws IOException {
        return statusKiB("VmRSS:") / 1024.0;
    }

    private long statusKiB(String key) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith(key)) {
                return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
            }
        }
        throw new IOException(key + " missing from /proc/" + pid + "/status");
    }

    /** {@code getconf CLK_TCK}; 100 on every Linux we know of, used if getconf is missing. */
    static long clockTicksPerSecond() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            return p.waitFor() == 0 ? Long.parseLong(out) : 100;
        } catch (IOException | NumberFormatException e) {
            return 100;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }
}
