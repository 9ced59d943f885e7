package dev.wharf.controller;

import java.util.Optional;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Controller election on the ephemeral {@code /controller}: whoever creates it is controller, and
 * bumps {@code /controller_epoch}; the znode version it leaves there fences every controller write
 * ({@link #fence()}), so a controller that lost its seat cannot write.
 *
 * <p>Every broker watches {@code /controller} all the time (a persistent watch, re-added for each
 * session): when it disappears, every live broker tries again; when it changes, they read who
 * holds it. A node is only ever replaced when it was left by an earlier session of this broker,
 * never when another broker holds it, even one that won a race a moment ago.
 *
 * <p>Threads: elections run on {@code wharf-zk-events}, which alone writes the state; the state is
 * read from any thread (volatile fields; the epoch and its znode version are read by the writes,
 * which run on that thread too).
 */
final class ControllerElection implements ZkSession.Listener {
    private static final Logger log = LoggerFactory.getLogger(ControllerElection.class);

    private final ZkSession session;
    private final CuratorFramework zk;
    private final int selfId;
    private final Watcher changed;
    private volatile boolean controller;
    private volatile int controllerId = -1;
    private volatile int epoch;
    private volatile int epochZkVersion = -1;
    private volatile Runnable onElected = () -> {};

    ControllerElection(ZkSession session) {
        this.session = session;
        this.zk = session.client();
        this.selfId = session.self().id();
        this.changed = event -> {
            if (event.getType() != Watcher.Event.EventType.None) { // connection events are the session's business
                session.execute(this::electOrRetry);
            }
        };
    }

    @Override
    public void registered() throws Exception {
        zk.watchers().add().withMode(AddWatchMode.PERSISTENT).usingWatcher(changed).forPath(ZkData.CONTROLLER);
        elect();
    }

    @Override
    public void lost() {
        if (controller) {
            log.warn("no longer controller: ZooKeeper session lost broker={} epoch={}", selfId, epoch);
        }
        controller = false;
    }

    private void electOrRetry() {
        if (session.isClosed()) {
            return;
        }
        try {
            elect();
        } catch (Exception e) {
            log.warn("controller election failed; retrying in 1 s broker={}: {}", selfId, e.toString());
            session.schedule(this::electOrRetry, 1000);
        }
    }

    /** Becomes controller if no other broker is, or learns which broker is. */
    private void elect() throws Exception {
        Optional<byte[]> other = session.createEphemeral(ZkData.CONTROLLER, ZkData.controller(selfId), false);
        if (other.isPresent()) {
            int id = ZkData.controllerId(other.get());
            if (controller) {
                log.warn("no longer controller broker={} newController={}", selfId, id);
            }
            controller = false;
            controllerId = id;
            return;
        }
        if (!controller) {
            bumpEpoch();
            controllerId = selfId;
            controller = true;
            log.info("elected controller broker={} epoch={}", selfId, epoch);
            onElected.run();
        }
    }

    private void bumpEpoch() throws Exception {
        Stat stat = new Stat();
        try {
            int previous = ZkData.controllerEpoch(zk.getData().storingStatIn(stat).forPath(ZkData.CONTROLLER_EPOCH));
            Stat written = zk.setData().withVersion(stat.getVersion())
                    .forPath(ZkData.CONTROLLER_EPOCH, ZkData.controllerEpoch(previous + 1));
            epoch = previous + 1;
            epochZkVersion = written.getVersion();
        } catch (KeeperException.NoNodeException e) {
            zk.create().forPath(ZkData.CONTROLLER_EPOCH, ZkData.controllerEpoch(1));
            epoch = 1;
            epochZkVersion = 0;
        }
    }

    /** Runs {@code action} on {@code wharf-zk-events} each time this broker becomes controller. */
    void onElected(Runnable action) {
        this.onElected = action;
    }

    /** Whether {@code /controller_epoch} still has the version this broker left there when elected. */
    boolean epochStillCurrent() throws Exception {
        Stat stat = zk.checkExists().forPath(ZkData.CONTROLLER_EPOCH);
        return stat != null && stat.getVersion() == epochZkVersion;
    }

    boolean isController() {
        return controller;
    }

    /** The controller's broker id, or -1 when none is known. */
    int controllerId() {
        return controllerId;
    }

    int epoch() {
        return epoch;
    }

    /** The op that makes a multi-op fail unless this broker is still the controller it was elected as. */
    CuratorOp fence() throws Exception {
        if (!controller) {
            throw new IllegalStateException("broker " + selfId + " is not the controller");
        }
        return zk.transactionOp().check().withVersion(epochZkVersion).forPath(ZkData.CONTROLLER_EPOCH);
    }
}
