package dev.wharf.server.group;

/** The kinds of group a coordinator keeps, named as ListGroups (v5+) names them. */
public enum GroupType {
    CLASSIC("classic");

    public final String displayName;

    GroupType(String displayName) {
        this.displayName = displayName;
    }
}
