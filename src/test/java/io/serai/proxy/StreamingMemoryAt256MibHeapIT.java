package io.serai.proxy;

import io.serai.support.SeraiProcess;

/** The same cases with the heap limited to 256 MiB (the shipped jvm.options allow more). */
class StreamingMemoryAt256MibHeapIT extends StreamingMemoryCases {

    @Override
    SeraiProcess.Builder options(SeraiProcess.Builder serai) {
        return serai.jvmOption("-Xmx256m");
    }
}
