package org.sipmediadeploy.openstack;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.SocketTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openstack4j.api.exceptions.ClientResponseException;
import org.openstack4j.api.exceptions.ConnectionException;
import org.openstack4j.api.exceptions.ServerResponseException;
import org.sipmediadeploy.core.port.CloudException.Kind;

class ErrorsTest {

    @ParameterizedTest(name = "{0} \"{1}\" is {2}")
    @CsvSource(
            delimiter = '|',
            value = {
                "401 | The request you have made requires authentication.                   | AUTH",
                "403 | Policy doesn't allow os_compute_api:servers:create to be performed.    | AUTH",
                "403 | Quota exceeded for instances: Requested 1, but already used 0 of 0    | QUOTA",
                "404 | Server abc could not be found.                                         | NOT_FOUND",
                "409 | Cannot associate floating IP: port already has one                     | CONFLICT",
                "409 | Quota exceeded for resources: ['floatingip'].                          | QUOTA",
                "412 | Constrained to revision 3, but current revision is 4                    | CONFLICT",
                "413 | Maximum number of ports exceeded                                       | QUOTA",
                "400 | Invalid key_name provided.                                             | BAD_REQUEST",
                "422 | Unprocessable                                                          | BAD_REQUEST",
                "408 | Request Timeout                                                        | TRANSIENT",
                "429 | Too Many Requests                                                      | TRANSIENT",
                "500 | Internal Server Error                                                  | TRANSIENT",
                "502 | Bad Gateway                                                            | TRANSIENT",
                "503 | Service Unavailable                                                    | TRANSIENT",
                "504 | Gateway Timeout                                                        | TRANSIENT",
            })
    void classifiesHttpStatusAndFaultText(int status, String message, Kind expected) {
        assertEquals(expected, Errors.kindOf(status, message));
        assertEquals(expected, Errors.fromStatus("op", status, message).kind());
    }

    @Test
    void connectionFailuresAndTimeoutsAreTransient() {
        assertEquals(
                Kind.TRANSIENT,
                Errors.classify(
                                "op",
                                new ConnectionException(
                                        "refused", 0, new java.net.ConnectException("Connection refused")))
                        .kind());
        assertEquals(
                Kind.TRANSIENT,
                Errors.classify("op", new RuntimeException(new SocketTimeoutException("read")))
                        .kind());
        assertEquals(
                Kind.TRANSIENT,
                Errors.classify("op", new ServerResponseException("boom", 503)).kind());
        assertEquals(
                Kind.QUOTA,
                Errors.classify("op", new ClientResponseException("Quota exceeded for instances", 403))
                        .kind());
    }
}
