package dev.wharf.generator;

/** Accumulates Java source with four-space indentation. */
final class CodeWriter {
    private final StringBuilder out = new StringBuilder(16 * 1024);
    private int depth;

    CodeWriter line(String text) {
        if (!text.isEmpty()) {
            out.append("    ".repeat(depth)).append(text);
        }
        out.append('\n');
        return this;
    }

    CodeWriter blank() {
        out.append('\n');
        return this;
    }

    /** Writes {@code header + " {"} and indents the lines that follow. */
    CodeWriter open(String header) {
        line(header.isEmpty() ? "{" : header + " {");
        depth++;
        return this;
    }

    /** Closes one block: {@code "}"} with an optional suffix, such as {@code " else"}. */
    CodeWriter close() {
        return close("");
    }

    CodeWriter close(String suffix) {
        depth--;
        if (depth < 0) {
            throw new IllegalStateException("unbalanced blocks");
        }
        line("}" + suffix);
        return this;
    }

    /** Closes the current block and opens the next one on the same line: {@code "} else {"}. */
    CodeWriter reopen(String header) {
        depth--;
        line("} " + header + " {");
        depth++;
        return this;
    }

    @Override
    public String toString() {
        if (depth != 0) {
            throw new IllegalStateException("unclosed blocks: " + depth);
        }
        return out.toString();
    }
}
