package org.sipmediadeploy.sandbox;

/**
 * Which service a call's path belongs to (the prefixes of {@link HttpFront}, as in a DevStack catalog), and the
 * calls into that service: its version document, the name of the operation (the one API faults are drawn for) and
 * the handler that answers.
 */
final class ApiRoutes {
    enum Service {
        KEYSTONE,
        NOVA,
        NEUTRON,
        GLANCE,
        CONTROL
    }

    private final Keystone keystone;
    private final Nova nova;
    private final Neutron neutron;
    private final Glance glance;

    ApiRoutes(Keystone keystone, Nova nova, Neutron neutron, Glance glance) {
        this.keystone = keystone;
        this.nova = nova;
        this.neutron = neutron;
        this.glance = glance;
    }

    static Service serviceOf(String path) {
        if (path.startsWith(HttpFront.CONTROL)) {
            return Service.CONTROL;
        }
        if (path.equals(HttpFront.COMPUTE) || path.startsWith(HttpFront.COMPUTE + "/")) {
            return Service.NOVA;
        }
        if (path.equals(HttpFront.NETWORK) || path.startsWith(HttpFront.NETWORK + "/")) {
            return Service.NEUTRON;
        }
        if (path.equals(HttpFront.IMAGE) || path.startsWith(HttpFront.IMAGE + "/")) {
            return Service.GLANCE;
        }
        return Service.KEYSTONE;
    }

    /** The version document of {@code service} when {@code path} is its root, else null. */
    ApiResponse versionDoc(Service service, String path) {
        if (service == Service.NOVA && path.equals(HttpFront.COMPUTE)) {
            return nova.versions();
        }
        if (service == Service.NEUTRON && path.equals(HttpFront.NETWORK)) {
            return neutron.versions();
        }
        if (service == Service.GLANCE && path.equals(HttpFront.IMAGE)) {
            return glance.versions();
        }
        return null;
    }

    String operation(Service service, ApiRequest req) {
        if (service == Service.NOVA) {
            return nova.operation(req);
        }
        if (service == Service.NEUTRON) {
            return neutron.operation(req);
        }
        if (service == Service.GLANCE) {
            return glance.operation(req);
        }
        return keystone.operation(req);
    }

    ApiResponse dispatch(Service service, ApiRequest req, Caller caller, boolean noValidHost) {
        if (service == Service.NOVA) {
            return nova.handle(req, caller, noValidHost);
        }
        if (service == Service.NEUTRON) {
            return neutron.handle(req, caller);
        }
        if (service == Service.GLANCE) {
            return glance.handle(req);
        }
        return keystone.handle(req);
    }
}
