package io.serai.metrics;

import org.apache.camel.support.service.ServiceSupport;

/** Closes the access log when Camel stops, after the last lines are written. */
public final class AccessLogService extends ServiceSupport {

    private final AccessLog accessLog;

    public AccessLogService(AccessLog accessLog) {
        this.accessLog = accessLog;
    }

    @Override
    protected void doStop() {
        accessLog.close();
    }
}
