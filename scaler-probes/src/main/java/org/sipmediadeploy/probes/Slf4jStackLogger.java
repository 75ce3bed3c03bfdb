package org.sipmediadeploy.probes;

import gov.nist.core.CommonLogger;
import gov.nist.core.StackLogger;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JAIN-SIP's stack logger, writing through SLF4J. Without it JAIN-SIP loads log4j 1.x (end of life, not on our
 * classpath). Public with a no-argument constructor because JAIN-SIP instantiates it by class name
 * ({@code gov.nist.javax.sip.STACK_LOGGER}). Levels are shifted down: JAIN-SIP logs every failure of a peer
 * (a refused connect, a closed socket) as an ERROR, which a health probe reports as its result already and would
 * otherwise repeat at every tick; so its ERROR and WARN map to SLF4J DEBUG, INFO to DEBUG, DEBUG/TRACE to TRACE,
 * and only FATAL stays ERROR.
 */
public final class Slf4jStackLogger implements StackLogger {
    private static final Logger LOG = LoggerFactory.getLogger("gov.nist.javax.sip");

    public Slf4jStackLogger() {
        // instantiated reflectively by JAIN-SIP
    }

    /**
     * JAIN-SIP's static loggers go to log4j until a stack is created; install ours before any JAIN-SIP class
     * logs, so that nothing ever reaches for log4j.
     */
    // The guarded fields are CommonLogger's own statics, so its class is the lock that names them.
    @SuppressWarnings("LockOnNonEnclosingClassLiteral")
    static void install() {
        synchronized (CommonLogger.class) {
            if (!(CommonLogger.legacyLogger instanceof Slf4jStackLogger)) {
                CommonLogger.legacyLogger = new Slf4jStackLogger();
            }
            CommonLogger.useLegacyLogger = true;
        }
    }

    @Override
    public void logStackTrace() {
        // stack traces on demand are debugging noise
    }

    @Override
    public void logStackTrace(int traceLevel) {
        // stack traces on demand are debugging noise
    }

    @Override
    public int getLineCount() {
        return 0;
    }

    @Override
    public void logException(Throwable ex) {
        LOG.debug("JAIN-SIP exception", ex);
    }

    @Override
    public void logDebug(String message) {
        LOG.trace(message);
    }

    @Override
    public void logDebug(String message, Exception ex) {
        LOG.trace(message, ex);
    }

    @Override
    public void logTrace(String message) {
        LOG.trace(message);
    }

    @Override
    public void logFatalError(String message) {
        LOG.error(message);
    }

    @Override
    public void logError(String message) {
        LOG.debug(message);
    }

    @Override
    public boolean isLoggingEnabled() {
        return LOG.isErrorEnabled();
    }

    @Override
    public boolean isLoggingEnabled(int logLevel) {
        if (logLevel <= TRACE_FATAL) {
            return LOG.isErrorEnabled();
        }
        if (logLevel <= TRACE_INFO) {
            return LOG.isDebugEnabled();
        }
        return LOG.isTraceEnabled();
    }

    @Override
    public void logError(String message, Exception ex) {
        LOG.debug(message, ex);
    }

    @Override
    public void logWarning(String message) {
        LOG.debug(message);
    }

    @Override
    public void logInfo(String message) {
        LOG.debug(message);
    }

    @Override
    public void disableLogging() {
        // levels belong to the SLF4J backend
    }

    @Override
    public void enableLogging() {
        // levels belong to the SLF4J backend
    }

    @Override
    public void setBuildTimeStamp(String buildTimeStamp) {
        // not logged
    }

    @Override
    public void setStackProperties(Properties stackProperties) {
        // deliberately ignored: the properties may hold the trust store password
    }

    @Override
    public String getLoggerName() {
        return LOG.getName();
    }
}
