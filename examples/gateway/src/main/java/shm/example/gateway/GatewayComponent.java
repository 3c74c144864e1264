package shm.example.gateway;

import static shm.api.rtx.RtxConstants.PAGE_READWRITE;
import static shm.api.rtx.RtxConstants.WAIT_OBJECT_0;
import static shm.api.rtx.RtxConstants.WAIT_TIMEOUT;

import java.lang.foreign.MemorySegment;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

import shm.api.rtx.RtxResult;
import shm.api.rtx.RtxSharedMemory;
import shm.api.rtx.RtxSync;

/**
 * The example gateway: the Windows side of an RTX application, talking to a real-time program through the RTX
 * personality. It creates the data block {@value #IMAGE} ({@link GatewayImage}) and the auto-reset event
 * {@value #REPLY_EVENT}, writes a request into the block, and waits for the event: each time the real-time side sets
 * it, the gateway reads the reply from the block, counts it and logs it in one line. {@code gateway:status} shows
 * what it has seen. Deactivation closes both handles (the last close anywhere destroys the objects). Both references
 * must reach one RTX instance (a personality instance is one RTX "process" and its handles are its own); the platform's
 * default configuration has one.
 */
@Component(immediate = true, service = GatewayComponent.class,
        property = {"osgi.command.scope=gateway", "osgi.command.function=status"})
public final class GatewayComponent {

    /** The data block's name. */
    public static final String IMAGE = "GatewayImage";
    /** The event the real-time side sets when it has written its reply. */
    public static final String REPLY_EVENT = "GatewayReply";
    /** The request the gateway writes. */
    public static final String REQUEST = "SETPOINT 42.5";
    /** How long one wait for the event lasts before the waiting thread checks whether it should stop. */
    static final int WAIT_SLICE_MILLIS = 200;

    private final RtxSharedMemory memory;
    private final RtxSync sync;
    private final Logger logger;
    private final long image;
    private final long replyEvent;
    private final MemorySegment block;
    private final Thread waiter;
    private volatile boolean running = true;
    private volatile int answers;
    private volatile String lastReply = "";

    /**
     * Creates the data block and the event, writes the request, and starts waiting for replies.
     *
     * @param memory the RTX personality's shared-memory calls
     * @param sync   the RTX personality's event calls (the same RTX "process")
     * @param logger where each reply is logged
     * @throws IllegalStateException when the block or the event cannot be created (the RTX error is in the message)
     */
    @Activate
    public GatewayComponent(@Reference RtxSharedMemory memory, @Reference RtxSync sync,
            @Reference(service = LoggerFactory.class) Logger logger) {
        if ((Object) memory != sync) {
            // Handles belong to one RTX "process": both calls must reach the same personality instance.
            throw new IllegalStateException("the gateway needs RtxSharedMemory and RtxSync of one RTX instance; with"
                    + " several, give both references the same target (memory.target and sync.target)");
        }
        this.memory = memory;
        this.sync = sync;
        this.logger = logger;
        // HANDLE hImage = RtCreateSharedMemory(PAGE_READWRITE, 0, GATEWAY_IMAGE_SIZE, "GatewayImage", &location);
        RtxResult created = memory.RtCreateSharedMemory(PAGE_READWRITE, 0, (int) GatewayImage.SIZE, IMAGE);
        if (!created.succeeded()) {
            throw new IllegalStateException("RtCreateSharedMemory(" + IMAGE + ") failed with error "
                    + created.errorCode() + ": " + created.error().map(Throwable::getMessage).orElse(""));
        }
        this.image = created.handle();
        this.block = created.location();
        // HANDLE hReply = RtCreateEvent(NULL, FALSE, FALSE, "GatewayReply");   (auto reset, not signaled)
        RtxResult event = sync.RtCreateEvent(false, false, REPLY_EVENT);
        if (!event.succeeded()) {
            memory.RtCloseHandle(image);
            throw new IllegalStateException("RtCreateEvent(" + REPLY_EVENT + ") failed with error "
                    + event.errorCode() + ": " + event.error().map(Throwable::getMessage).orElse(""));
        }
        this.replyEvent = event.handle();
        GatewayImage.writeText(block, GatewayImage.REQUEST_OFFSET, REQUEST);
        logger.info("gateway: wrote '{}' to {}; waiting for the real-time side to set {}", REQUEST, IMAGE,
                REPLY_EVENT);
        this.waiter = Thread.ofPlatform().name("gateway-" + REPLY_EVENT).daemon().start(this::awaitReplies);
    }

    /** Waits for the event in slices, reading the reply at each signal, until the component is deactivated. */
    private void awaitReplies() {
        while (running) {
            int result = sync.RtWaitForSingleObject(replyEvent, WAIT_SLICE_MILLIS);
            if (result == WAIT_OBJECT_0) {
                String reply = GatewayImage.readText(block, GatewayImage.REPLY_OFFSET);
                lastReply = reply;
                answers++;
                logger.info("gateway: the real-time side answered '{}' (reply {})", reply, answers);
            } else if (result != WAIT_TIMEOUT && running) {
                logger.warn("gateway: RtWaitForSingleObject({}) failed with error {}; the gateway stops waiting",
                        REPLY_EVENT, memory.RtGetLastError());
                return;
            }
        }
    }

    /**
     * {@code gateway:status}: the request, how many replies came and the last one.
     *
     * @return one line
     */
    public String status() {
        int count = answers;
        return "gateway: request '" + REQUEST + "' in " + IMAGE + "; " + (count == 0
                ? "no reply yet (waiting for " + REPLY_EVENT + ")"
                : count + (count == 1 ? " reply" : " replies") + ", last '" + lastReply + "'");
    }

    /** Stops waiting and closes the event and the data block. */
    @Deactivate
    void deactivate() throws InterruptedException {
        running = false;
        waiter.join(WAIT_SLICE_MILLIS * 10L);
        memory.RtCloseHandle(replyEvent);
        memory.RtCloseHandle(image);
    }
}
