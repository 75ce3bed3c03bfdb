package org.sipmediadeploy.sandbox;

/** Who made an API call: the token's user and its audit id (safe to log, unlike the token). */
record Caller(String userId, String userName, String projectId, String auditId) {
    static final Caller CONTROL = new Caller("control", "control", null, null);
    static final Caller SANDBOX = new Caller("sandbox", "sandbox", null, null);
}
