package dev.wharf.server.security.acl;

/**
 * The resources one ACL is about: a type, a name and how the name matches ({@link PatternType#LITERAL}
 * or {@link PatternType#PREFIXED}; a literal {@value #WILDCARD} is every resource of the type). Immutable.
 */
public record ResourcePattern(ResourceType type, String name, PatternType patternType) {
    /** The literal name that matches every resource of its type. */
    public static final String WILDCARD = "*";

    /** Whether this pattern covers the resource of type {@code t} named {@code resource}. */
    public boolean covers(ResourceType t, String resource) {
        if (t != type) {
            return false;
        }
        return patternType == PatternType.PREFIXED ? resource.startsWith(name)
                : name.equals(WILDCARD) || name.equals(resource);
    }

    @Override
    public String toString() {
        return type + ":" + patternType + ":" + name;
    }
}
