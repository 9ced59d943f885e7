package dev.wharf.bench.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class DiskQuietTest {
    @Test
    void sumsWrittenAndDiscardedSectorsAndInFlightIosOfRealDisksOnly() {
        List<String> diskstats = List.of(
                "   7       0 loop0 10 0 80 1 5 0 900 2 1 3 3 0 0 0 0 0 0",
                " 252       0 vda 1000 20 50000 300 2000 40 70000 900 3 1200 1500 10 0 4096 5 100 20",
                " 252       1 vda1 900 20 40000 250 1900 40 60000 800 0 1100 1400",
                "   1       0 ram0 0 0 0 0 7 0 700 0 9 0 0");
        // vda: 70,000 written + 4,096 discarded, 3 in flight; vda1 (no discard fields): 60,000 written
        assertArrayEquals(new long[] {134_096, 3}, DiskQuiet.totals(diskstats));
    }
}
