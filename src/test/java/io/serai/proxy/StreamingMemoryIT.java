package io.serai.proxy;

import io.serai.support.SeraiProcess;

/**
 * Large bodies and many streams through Serai started as the README starts it ({@code java @jvm.options
 * -jar serai.jar}): whole, fast and in bounded memory. Before streaming, a 512 MiB response was refused
 * with 502; now only a route that holds responses whole does that ({@link LargeResponseIT}).
 */
class StreamingMemoryIT extends StreamingMemoryCases {

    @Override
    SeraiProcess.Builder options(SeraiProcess.Builder serai) {
        return serai;
    }
}
