package dev.wharf.server.security.acl;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The ACLs at one moment, indexed for the question every request asks: which ACLs apply to the
 * resource of this type and name? Literal patterns by type then name (the wildcard {@code "*"} is
 * one more literal name), prefixed patterns by type then prefix, so a check costs a few hash
 * lookups, not a scan. Immutable: a change builds a new index ({@link #with}), which copies only
 * the maps of the types that changed.
 */
final class AclIndex {
    static final AclIndex EMPTY = new AclIndex(Map.of(), new EnumMap<>(ResourceType.class),
            new EnumMap<>(ResourceType.class));

    private final Map<ResourcePattern, List<AclEntry>> all;
    private final EnumMap<ResourceType, Map<String, List<AclEntry>>> literal;
    private final EnumMap<ResourceType, Map<String, List<AclEntry>>> prefixed;

    private AclIndex(Map<ResourcePattern, List<AclEntry>> all, EnumMap<ResourceType, Map<String, List<AclEntry>>> literal,
            EnumMap<ResourceType, Map<String, List<AclEntry>>> prefixed) {
        this.all = all;
        this.literal = literal;
        this.prefixed = prefixed;
    }

    /** This index with each pattern's entries replaced by those in {@code changes} (an empty list removes it). */
    AclIndex with(Map<ResourcePattern, List<AclEntry>> changes) {
        Map<ResourcePattern, List<AclEntry>> nextAll = new HashMap<>(all);
        EnumMap<ResourceType, Map<String, List<AclEntry>>> nextLiteral = new EnumMap<>(literal);
        EnumMap<ResourceType, Map<String, List<AclEntry>>> nextPrefixed = new EnumMap<>(prefixed);
        // a type's map is copied once per change, then the copy is edited
        EnumSet<ResourceType> copiedLiteral = EnumSet.noneOf(ResourceType.class);
        EnumSet<ResourceType> copiedPrefixed = EnumSet.noneOf(ResourceType.class);
        changes.forEach((pattern, entries) -> {
            boolean isPrefixed = pattern.patternType() == PatternType.PREFIXED;
            EnumMap<ResourceType, Map<String, List<AclEntry>>> byType = isPrefixed ? nextPrefixed : nextLiteral;
            Map<String, List<AclEntry>> names = byType.get(pattern.type());
            if ((isPrefixed ? copiedPrefixed : copiedLiteral).add(pattern.type())) {
                names = names == null ? new HashMap<>() : new HashMap<>(names);
                byType.put(pattern.type(), names);
            }
            if (entries.isEmpty()) {
                nextAll.remove(pattern);
                names.remove(pattern.name());
            } else {
                nextAll.put(pattern, List.copyOf(entries));
                names.put(pattern.name(), List.copyOf(entries));
            }
        });
        return new AclIndex(Map.copyOf(nextAll), nextLiteral, nextPrefixed);
    }

    /** Every pattern with its entries. */
    Map<ResourcePattern, List<AclEntry>> all() {
        return all;
    }

    /** The entry lists of every pattern covering the resource {@code type}/{@code name}; empty when no ACL applies. */
    List<List<AclEntry>> applying(ResourceType type, String name) {
        List<List<AclEntry>> out = new ArrayList<>(2);
        Map<String, List<AclEntry>> literals = literal.get(type);
        if (literals != null) {
            addIfPresent(out, literals.get(name));
            addIfPresent(out, literals.get(ResourcePattern.WILDCARD));
        }
        Map<String, List<AclEntry>> prefixes = prefixed.get(type);
        if (prefixes != null && !prefixes.isEmpty()) {
            if (prefixes.size() < name.length()) {
                prefixes.forEach((prefix, entries) -> {
                    if (name.startsWith(prefix)) {
                        out.add(entries);
                    }
                });
            } else {
                for (int end = 1; end <= name.length(); end++) {
                    addIfPresent(out, prefixes.get(name.substring(0, end)));
                }
            }
        }
        return out;
    }

    private static void addIfPresent(List<List<AclEntry>> out, List<AclEntry> entries) {
        if (entries != null) {
            out.add(entries);
        }
    }
}
