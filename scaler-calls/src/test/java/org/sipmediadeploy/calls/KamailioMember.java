package org.sipmediadeploy.calls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** One pair member: a Kamailio started from the role-rendered file on its own address. */
final class KamailioMember {
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final String ip;
    private final CallLab.Started process;

    KamailioMember(String ip, CallLab.Started process) {
        this.ip = ip;
        this.process = process;
    }

    String ip() {
        return ip;
    }

    boolean alive() {
        return process.alive();
    }

    /** SIGKILL to the whole process group: the member is gone at once, as on a crashed VM. */
    void kill() {
        process.signal("KILL");
        process.waitFor(Duration.ofSeconds(10));
    }

    void freeze() {
        process.signal("STOP");
    }

    void thaw() {
        process.signal("CONT");
    }

    /** True once the member answers JSON-RPC (its SIP sockets are bound before). */
    boolean ready() {
        try {
            return rpc("core.uptime").contains("\"result\"");
        } catch (UncheckedIOException e) {
            return false;
        }
    }

    /** A JSON-RPC call over HTTP to the member's private RPC port; the raw JSON answer. */
    String rpc(String method, String... params) {
        StringBuilder p = new StringBuilder();
        for (String param : params) {
            p.append(p.length() > 0 ? "," : "").append('"').append(param).append('"');
        }
        return post("{\"jsonrpc\":\"2.0\",\"method\":\"" + method + "\",\"params\":[" + p + "],\"id\":1}")
                .body();
    }

    HttpResponse<String> post(String body) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + ip + ":" + CallLab.RPC_PORT + "/RPC"))
                .timeout(Duration.ofSeconds(3))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException("JSON-RPC to " + ip + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
