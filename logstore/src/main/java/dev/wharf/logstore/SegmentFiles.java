package dev.wharf.logstore;

import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

/**
 * Every file name suffix the log store uses, in one place. A segment's files are named by its base
 * offset, zero-padded to 20 digits, plus a suffix:
 *
 * <pre>
 *   00000000000000000042.log         record batches
 *   00000000000000000042.index       offset index (see OffsetIndex)
 *   00000000000000000042.timeindex   time index (see TimeIndex)
 *   00000000000000000042.txnindex    aborted transactions, only once the segment holds an abort
 *                                    marker: 34-byte entries (int16 version 0, int64 producer id,
 *                                    first offset, marker offset, last stable offset; see
 *                                    TransactionIndex)
 * </pre>
 *
 * Reserved, not written yet: {@code .snapshot} (producer state per offset, as Kafka names it). A
 * state suffix after the file's own suffix tells recovery what an interrupted operation left behind ({@code 00000000000000000042.log.swap}):
 *
 * <ul>
 *   <li>{@code .cleaned}: a replacement still being written; deleted on open, with the
 *       {@code .swap} files of bases at or above the smallest {@code .cleaned} one (see {@link SegmentSwap});
 *   <li>{@code .swap}: a complete replacement not yet in place; open completes the swap (see
 *       {@link SegmentSwap});
 *   <li>{@code .deleted}: unlinked from the log, removed after {@code file.delete.delay.ms}; deleted on open;
 *   <li>{@code .tmp}: a checkpoint or snapshot being written, renamed over the real one when
 *       complete; deleted on open.
 * </ul>
 */
final class SegmentFiles {
    static final String LOG = ".log";
    static final String INDEX = ".index";
    static final String TIME_INDEX = ".timeindex";
    static final String SNAPSHOT = ".snapshot";
    static final String TXN_INDEX = ".txnindex";

    static final String CLEANED = ".cleaned";
    static final String SWAP = ".swap";
    static final String DELETED = ".deleted";
    static final String TMP = ".tmp";

    /** The files a segment may have (all but the transaction index always); a swap renames them in its own order. */
    static final List<String> PER_SEGMENT = List.of(LOG, INDEX, TIME_INDEX, TXN_INDEX);

    private SegmentFiles() {}

    /** {@code <dir>/<base offset, 20 digits><suffix>}; {@code suffix} may chain, as {@code .log.swap}. */
    static Path file(Path dir, long baseOffset, String suffix) {
        if (baseOffset < 0) {
            return dir.resolve(String.format("%020d%s", baseOffset, suffix)); // never a segment's; kept as it was named
        }
        // not String.format: it parses its pattern on every call, the costliest step of opening a new partition
        String digits = Long.toString(baseOffset);
        StringBuilder name = new StringBuilder(20 + suffix.length());
        for (int i = digits.length(); i < 20; i++) {
            name.append('0');
        }
        return dir.resolve(name.append(digits).append(suffix).toString());
    }

    /** The same file with a state suffix added ({@code .deleted}, {@code .swap}, ...). */
    static Path withSuffix(Path file, String stateSuffix) {
        return file.resolveSibling(file.getFileName() + stateSuffix);
    }

    /** The base offset of a file named {@code <20 digits><suffix>}, if the name has that shape. */
    static OptionalLong baseOffset(String fileName, String suffix) {
        if (!fileName.endsWith(suffix) || fileName.length() != 20 + suffix.length()) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(fileName.substring(0, 20)));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}
