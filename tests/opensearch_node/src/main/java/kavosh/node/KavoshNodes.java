package kavosh.node;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import org.opensearch.analysis.common.CommonAnalysisPlugin;
import org.opensearch.common.logging.LogConfigurator;
import org.opensearch.common.settings.Settings;
import org.opensearch.node.MockNode;
import org.opensearch.node.Node;
import org.opensearch.painless.PainlessPlugin;
import org.opensearch.transport.Netty4Plugin;

/**
 * Starts real OpenSearch nodes on loopback, in this one JVM, for Kavosh's tests and for a
 * newcomer's first run against OpenSearch.
 *
 * <p>Each node is OpenSearch's own server (MockNode is the Node its integration tests start)
 * with the HTTP module (netty4), the stock analysis components and Painless (the scripted
 * similarity), in a cluster of its own
 * name.  Why not a downloaded distribution: this machine reaches Maven Central, not
 * artifacts.opensearch.org, and a JVM of nodes is also quicker to start.
 *
 * <pre>
 * java -cp 'target/classes:target/lib/*' kavosh.node.KavoshNodes DATA_DIR HTTP_PORT,... TRANSPORT_PORT,...
 * </pre>
 * One HTTP and one transport port per node.  When every node has started it prints
 * {@code ready http://127.0.0.1:PORT ...}; then it reads commands on stdin, one a line:
 * {@code stop N} stops node N (0-based) and prints {@code stopped N}; end of input (the
 * parent exited) stops every node and exits.
 */
public final class KavoshNodes {
    private KavoshNodes() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: KavoshNodes DATA_DIR HTTP_PORT[,HTTP_PORT...] TRANSPORT_PORT[,TRANSPORT_PORT...]");
            System.exit(2);
        }
        Path data = Path.of(args[0]).toAbsolutePath();
        String[] http = args[1].split(",");
        String[] transport = args[2].split(",");
        if (http.length != transport.length) {
            System.err.println("one transport port per HTTP port, please");
            System.exit(2);
        }
        LogConfigurator.registerErrorListener();
        LogConfigurator.configureWithoutConfig(Settings.EMPTY);
        Configurator.setRootLevel(Level.WARN);

        List<String> seeds = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < http.length; i++) {
            seeds.add("127.0.0.1:" + transport[i]);
            names.add("kavosh-node-" + i);
        }
        List<Node> nodes = new ArrayList<>();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> closeAll(nodes)));
        for (int i = 0; i < http.length; i++) {
            Path home = data.resolve(names.get(i));
            Files.createDirectories(home);
            Settings settings = Settings.builder()
                .put("cluster.name", "kavosh-local")
                .put("node.name", names.get(i))
                .put("path.home", home.toString())
                .put("path.data", home.resolve("data").toString())
                .put("network.host", "127.0.0.1")
                .put("http.port", http[i])
                .put("transport.port", transport[i])
                .putList("discovery.seed_hosts", seeds)
                .putList("cluster.initial_cluster_manager_nodes", names)
                // A laptop's or a CI machine's disk is often more than 90% full: the
                // watermarks would then refuse every shard, which says nothing about Kavosh.
                .put("cluster.routing.allocation.disk.threshold_enabled", false)
                .put("http.type", "netty4")
                .put("transport.type", "netty4")
                .build();
            Node node = new MockNode(settings, List.of(Netty4Plugin.class, CommonAnalysisPlugin.class, PainlessPlugin.class));
            nodes.add(node);
        }
        // Started together: a cluster of three elects its manager once a majority is up.
        List<Thread> starters = new ArrayList<>();
        List<Throwable> failures = new ArrayList<>();
        for (Node node : nodes) {
            Thread t = new Thread(() -> {
                try {
                    node.start();
                } catch (Throwable e) {
                    synchronized (failures) { failures.add(e); }
                }
            });
            starters.add(t);
            t.start();
        }
        for (Thread t : starters) t.join();
        if (!failures.isEmpty()) {
            failures.get(0).printStackTrace();
            System.err.println("kavosh-nodes: a node did not start: " + failures.get(0));
            closeAll(nodes);
            System.exit(1);
        }
        StringBuilder ready = new StringBuilder("ready");
        for (String port : http) ready.append(" http://127.0.0.1:").append(port);
        System.out.println(ready);
        System.out.flush();

        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            String[] words = line.trim().split("\\s+");
            if (words.length == 2 && words[0].equals("stop")) {
                int i = Integer.parseInt(words[1]);
                nodes.get(i).close();
                System.out.println("stopped " + i);
            } else if (!line.isBlank()) {
                System.out.println("unknown command: " + line);
            }
            System.out.flush();
        }
        closeAll(nodes);
        System.exit(0);
    }

    private static void closeAll(List<Node> nodes) {
        for (Node node : nodes) {
            try {
                node.close();
            } catch (Exception e) {
                // exiting anyway
            }
        }
    }
}
