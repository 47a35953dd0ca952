package io.serai.camel;

import org.apache.camel.AsyncProcessor;
import org.apache.camel.support.AsyncProcessorSupport;
import org.apache.camel.support.service.ServiceHelper;

/**
 * What a policy bean ({@code policy: {ref: ...}}) puts around a route's steps: the steps' processor,
 * started and stopped with it. Camel starts only what a policy returns, not the steps it was given.
 */
public abstract class WrappedSteps extends AsyncProcessorSupport {

    protected final AsyncProcessor next;

    protected WrappedSteps(AsyncProcessor next) {
        this.next = next;
    }

    @Override
    protected void doStart() throws Exception {
        ServiceHelper.startService(next);
    }

    @Override
    protected void doStop() throws Exception {
        ServiceHelper.stopService(next);
    }
}
