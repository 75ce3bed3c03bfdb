package org.sipmediadeploy.probes;

import gov.nist.core.ServerLogger;
import gov.nist.javax.sip.message.SIPMessage;
import java.util.Properties;
import javax.sip.SipStack;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JAIN-SIP's message logger, writing a one-line summary of each SIP message at TRACE through SLF4J. Public with
 * a no-argument constructor because JAIN-SIP instantiates it by class name ({@code SERVER_LOGGER}).
 */
public final class Slf4jServerLogger implements ServerLogger {
    private static final Logger LOG = LoggerFactory.getLogger("gov.nist.javax.sip.messages");

    public Slf4jServerLogger() {
        // instantiated reflectively by JAIN-SIP
    }

    @Override
    public void closeLogFile() {
        // nothing to close
    }

    @Override
    public void logMessage(SIPMessage message, String from, String to, boolean sender, long time) {
        trace(message, from, to, null, sender);
    }

    @Override
    public void logMessage(SIPMessage message, String from, String to, String status, boolean sender, long time) {
        trace(message, from, to, status, sender);
    }

    @Override
    public void logMessage(SIPMessage message, String from, String to, String status, boolean sender) {
        trace(message, from, to, status, sender);
    }

    private static void trace(SIPMessage message, String from, String to, String status, boolean sender) {
        if (LOG.isTraceEnabled()) {
            LOG.trace(
                    "{} {} -> {} {} [{}]",
                    sender ? "sent" : "received",
                    from,
                    to,
                    message.getFirstLine().trim(),
                    status == null ? "" : status);
        }
    }

    @Override
    public void logException(Exception ex) {
        LOG.debug("JAIN-SIP exception", ex);
    }

    @Override
    public void setStackProperties(Properties stackProperties) {
        // deliberately ignored: the properties may hold the trust store password
    }

    @Override
    public void setSipStack(SipStack sipStack) {
        // not needed
    }
}
