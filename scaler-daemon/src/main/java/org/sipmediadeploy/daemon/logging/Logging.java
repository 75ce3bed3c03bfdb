package org.sipmediadeploy.daemon.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.jul.LevelChangePropagator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggerContextListener;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeAndTimeBasedRollingPolicy;
import ch.qos.logback.core.util.FileSize;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import net.logstash.logback.appender.LogstashTcpSocketAppender;
import net.logstash.logback.encoder.LogstashEncoder;
import net.logstash.logback.mask.MaskingJsonGeneratorDecorator;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Programmatic logging set-up from {@code scaler.logging { format, file, logstash }}, called once at start.
 * logback.xml gives the same JSON-on-stdout default before (and without) this call.
 *
 * <p>JSON lines use logstash-logback-encoder's standard fields ({@code @timestamp}, {@code level},
 * {@code logger_name}, {@code thread_name}, {@code message}, {@code stack_trace}) plus the structured fields of
 * each line (see {@link DecisionLog}) and the context property {@code node} once {@link #nodeId} is set. Every
 * appender redacts registered secrets ({@link Redaction}).
 */
public final class Logging {
    /** Chatty libraries, kept at WARN: Ratis logs every vote, the SIP and ICE stacks every packet. */
    public static final List<String> QUIET = List.of(
            "org.apache.ratis",
            "javax.sip",
            "gov.nist",
            "org.ice4j",
            "org.jitsi",
            "io.grpc",
            "io.netty",
            "org.openstack4j",
            "okhttp3");

    static final String TEXT_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{36} - %msg%n";
    static final String MAIN = "MAIN";
    static final String LOGSTASH = "LOGSTASH";

    private Logging() {}

    /**
     * Replaces the root appenders.
     *
     * @param format   {@code json} or {@code text}
     * @param file     "" for stdout, else a file (rolled daily and at 100 MB, gzip, 7 days, 2 GB in all)
     * @param logstash "" for none, else {@code host:port} of a Logstash TCP input (JSON lines, asynchronous,
     *                 reconnecting; never blocks the daemon)
     * @throws IllegalArgumentException an unknown format, a bad {@code host:port}, or a file that cannot be opened
     */
    public static synchronized void configure(String format, String file, String logstash) {
        Objects.requireNonNull(format, "format");
        String f = format.trim().toLowerCase(Locale.ROOT);
        if (!f.equals("json") && !f.equals("text")) {
            throw new IllegalArgumentException("logging.format must be json or text, not \"" + format + "\"");
        }
        String path = file == null ? "" : file.trim();
        String destination = logstash == null ? "" : logstash.trim();
        if (!destination.isEmpty()) {
            checkHostPort(destination);
        }
        LoggerContext ctx = context();
        OutputStreamAppender<ILoggingEvent> main =
                path.isEmpty() ? console(ctx, encoder(ctx, f), "System.out") : file(ctx, encoder(ctx, f), path);
        LogstashTcpSocketAppender tcp = destination.isEmpty() ? null : logstash(ctx, destination);

        Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.detachAndStopAllAppenders();
        root.addAppender(main);
        if (tcp != null) {
            root.addAppender(tcp);
        }
        quiet(ctx);
        bridgeJul(ctx);
    }

    /**
     * For {@code scalerctl}: text on stderr at WARN, so that stdout carries only the command's own output (a
     * {@code --json} answer must stay parseable).
     */
    public static synchronized void forCli() {
        LoggerContext ctx = context();
        Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.detachAndStopAllAppenders();
        root.addAppender(console(ctx, encoder(ctx, "text"), "System.err"));
        root.setLevel(Level.WARN);
        quiet(ctx);
    }

    /** Adds {@code "node": id} to every JSON line (a logback context property). */
    public static void nodeId(String id) {
        context().putProperty("node", Objects.requireNonNull(id, "id"));
    }

    private static LoggerContext context() {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) {
            throw new IllegalStateException("SLF4J is not bound to logback: "
                    + LoggerFactory.getILoggerFactory().getClass().getName());
        }
        return ctx;
    }

    /**
     * The chatty libraries at WARN, unless the system property {@code scaler.log.level.<logger>} names another
     * level for one of them (e.g. {@code -Dscaler.log.level.org.apache.ratis=INFO} to see Ratis' elections and
     * appender while investigating a replication problem).
     */
    private static void quiet(LoggerContext ctx) {
        for (String name : QUIET) {
            ctx.getLogger(name).setLevel(Level.toLevel(System.getProperty("scaler.log.level." + name), Level.WARN));
        }
    }

    /** ice4j and parts of Jitsi log through java.util.logging: route it to SLF4J, with levels propagated. */
    private static void bridgeJul(LoggerContext ctx) {
        boolean hasPropagator = false;
        for (LoggerContextListener l : ctx.getCopyOfListenerList()) {
            hasPropagator |= l instanceof LevelChangePropagator;
        }
        if (!hasPropagator) {
            LevelChangePropagator p = new LevelChangePropagator();
            p.setContext(ctx);
            p.setResetJUL(true);
            p.start();
            ctx.addListener(p);
            // the propagator acts on level changes: apply the current ones once
            for (String name : QUIET) {
                p.onLevelChange(ctx.getLogger(name), Level.WARN);
            }
        }
        if (!SLF4JBridgeHandler.isInstalled()) {
            SLF4JBridgeHandler.removeHandlersForRootLogger();
            SLF4JBridgeHandler.install();
        }
    }

    static Encoder<ILoggingEvent> encoder(LoggerContext ctx, String format) {
        if (format.equals("json")) {
            return jsonEncoder(ctx);
        }
        RedactingLayout layout = new RedactingLayout();
        layout.setContext(ctx);
        layout.setPattern(TEXT_PATTERN);
        layout.start();
        LayoutWrappingEncoder<ILoggingEvent> enc = new LayoutWrappingEncoder<>();
        enc.setContext(ctx);
        enc.setLayout(layout);
        enc.start();
        return enc;
    }

    static LogstashEncoder jsonEncoder(LoggerContext ctx) {
        MaskingJsonGeneratorDecorator masking = new MaskingJsonGeneratorDecorator();
        masking.addValueMasker(new SecretValueMasker());
        // the encoder does not start its decorator, and an unstarted one fails every line
        masking.start();
        LogstashEncoder enc = new LogstashEncoder();
        enc.setContext(ctx);
        enc.setJsonGeneratorDecorator(masking);
        enc.start();
        return enc;
    }

    private static ConsoleAppender<ILoggingEvent> console(
            LoggerContext ctx, Encoder<ILoggingEvent> enc, String target) {
        ConsoleAppender<ILoggingEvent> a = new ConsoleAppender<>();
        a.setContext(ctx);
        a.setName(MAIN);
        a.setTarget(target);
        a.setEncoder(enc);
        a.start();
        return a;
    }

    private static RollingFileAppender<ILoggingEvent> file(LoggerContext ctx, Encoder<ILoggingEvent> enc, String path) {
        RollingFileAppender<ILoggingEvent> a = new RollingFileAppender<>();
        a.setContext(ctx);
        a.setName(MAIN);
        a.setFile(path);
        a.setEncoder(enc);
        SizeAndTimeBasedRollingPolicy<ILoggingEvent> roll = new SizeAndTimeBasedRollingPolicy<>();
        roll.setContext(ctx);
        roll.setParent(a);
        roll.setFileNamePattern(path + ".%d{yyyy-MM-dd}.%i.gz");
        roll.setMaxFileSize(FileSize.valueOf("100MB"));
        roll.setMaxHistory(7);
        roll.setTotalSizeCap(FileSize.valueOf("2GB"));
        roll.start();
        a.setRollingPolicy(roll);
        a.start();
        if (!a.isStarted()) {
            stop(a);
            throw new IllegalArgumentException("cannot open log file " + path);
        }
        return a;
    }

    private static LogstashTcpSocketAppender logstash(LoggerContext ctx, String destination) {
        LogstashTcpSocketAppender a = new LogstashTcpSocketAppender();
        a.setContext(ctx);
        a.setName(LOGSTASH);
        a.addDestination(destination);
        a.setEncoder(jsonEncoder(ctx));
        // a Logstash that is down must not hold the daemon's shutdown for the library's default minute,
        // nor a slow one stall the writer thread forever
        a.setShutdownGracePeriod(ch.qos.logback.core.util.Duration.buildBySeconds(2));
        a.setReconnectionDelay(ch.qos.logback.core.util.Duration.buildBySeconds(5));
        a.setConnectionTimeout(ch.qos.logback.core.util.Duration.buildBySeconds(5));
        a.setWriteTimeout(ch.qos.logback.core.util.Duration.buildBySeconds(10));
        a.start();
        return a;
    }

    private static void stop(Appender<ILoggingEvent> a) {
        a.stop();
    }

    private static void checkHostPort(String hp) {
        int colon = hp.lastIndexOf(':');
        boolean ok = colon > 0 && colon < hp.length() - 1;
        if (ok) {
            try {
                int port = Integer.parseInt(hp.substring(colon + 1));
                ok = port > 0 && port <= 65535;
            } catch (NumberFormatException e) {
                ok = false;
            }
        }
        if (!ok) {
            throw new IllegalArgumentException("logging.logstash must be host:port, not \"" + hp + "\"");
        }
    }
}
