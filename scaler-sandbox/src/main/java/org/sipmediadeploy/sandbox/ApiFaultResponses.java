package org.sipmediadeploy.sandbox;

import org.sipmediadeploy.sandbox.ApiRoutes.Service;

/** The answers to injected API faults, each in the shape the real service gives that error. */
final class ApiFaultResponses {
    private ApiFaultResponses() {}

    /** The error a real service answers for the injected fault, in that service's shape. */
    static ApiResponse of(Service service, String op, ApiFault f, ApiRequest req) {
        ApiFault.Kind k = f.kind();
        if (service == Service.NOVA) {
            ApiResponse r;
            if (k == ApiFault.Kind.SERVER_ERROR) {
                r = Errors.nova(
                        f.status(),
                        "Unexpected API Error. Please report this at "
                                + "http://bugs.launchpad.net/nova/ and attach the Nova API log if possible.\n"
                                + "<class 'sandbox.InjectedFault'>");
            } else if (k == ApiFault.Kind.CONFLICT) {
                r = Errors.nova(
                        409,
                        "Cannot '" + op.substring(op.indexOf('.') + 1)
                                + "' instance while it is in task_state scheduling");
            } else if (f.status() == 413) {
                r = ApiResponse.json(
                                413,
                                Json.obj(
                                        "overLimit",
                                        Json.obj(
                                                "code",
                                                413,
                                                "message",
                                                "Maximum number of instances exceeded",
                                                "retryAfter",
                                                "0")))
                        .with("Retry-After", "0");
            } else {
                r = Errors.nova(
                        403, "Quota exceeded for instances: Requested 1, but already used 10 of 10 " + "instances");
            }
            int mv = Nova.microversion(req);
            return Nova.withVersion(r, "2." + (mv < 0 ? 1 : mv));
        }
        if (service == Service.NEUTRON) {
            if (k == ApiFault.Kind.SERVER_ERROR) {
                return f.status() == 503
                        ? Errors.neutron(503, "HTTPServiceUnavailable", "The server is currently unavailable.")
                        : Errors.neutron(
                                f.status(),
                                "HTTPInternalServerError",
                                "Request Failed: internal server error while processing your request.");
            }
            if (k == ApiFault.Kind.CONFLICT) {
                return op.startsWith("floatingip")
                        ? Errors.neutron(
                                409,
                                "FloatingIPPortAlreadyAssociated",
                                "Cannot associate floating IP: "
                                        + "that fixed IP already has a floating IP on the external network.")
                        : Errors.neutron(409, "InUse", "The resource is in use.");
            }
            String resource = op.substring(0, op.indexOf('.'));
            return Errors.neutron(409, "OverQuota", "Quota exceeded for resources: ['" + resource + "'].");
        }
        if (service == Service.GLANCE) {
            return Errors.glance(
                    k == ApiFault.Kind.SERVER_ERROR ? f.status() : 409,
                    k == ApiFault.Kind.SERVER_ERROR ? "Internal Server Error" : "Conflict",
                    "Injected fault.");
        }
        if (k == ApiFault.Kind.SERVER_ERROR) {
            return Errors.keystone(
                    f.status(),
                    "Internal Server Error",
                    "An unexpected error prevented the server from fulfilling your request.");
        }
        return Errors.keystone(409, "Conflict", "Conflict occurred attempting to store token.");
    }
}
