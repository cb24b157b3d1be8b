package dev.kiln.deploy;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import java.util.List;
import java.util.Map;

/**
 * Evaluates a namespace's NetworkPolicies the way Kubernetes does (policies add up; a pod no policy
 * of a type selects is open in that direction), so a test can ask "may this pod reach that port?"
 * instead of comparing YAML. A pod outside the namespace has labels {@code null}.
 */
record NetworkReach(List<NetworkPolicy> policies) {

    /** Whether a pod with labels {@code from} may open a TCP connection to {@code to}'s port. */
    boolean allowed(Map<String, String> from, Map<String, String> to, int port) {
        return ingressAllowed(from, to, port) && (from == null || egressAllowed(from, to, port));
    }

    boolean ingressAllowed(Map<String, String> from, Map<String, String> to, int port) {
        List<NetworkPolicy> selecting = selecting(to, "Ingress");
        if (selecting.isEmpty()) {
            return true;
        }
        return selecting.stream()
                .flatMap(p -> p.getSpec().getIngress().stream())
                .anyMatch(rule -> peersMatch(rule.getFrom(), from) && portsMatch(rule.getPorts(), "TCP", port));
    }

    /** Whether {@code from} may send to {@code to} ({@code null}: outside the namespace) on a port. */
    boolean egressAllowed(Map<String, String> from, Map<String, String> to, int port) {
        return egressAllowed(from, to, "TCP", port);
    }

    boolean egressAllowed(Map<String, String> from, Map<String, String> to, String protocol, int port) {
        List<NetworkPolicy> selecting = selecting(from, "Egress");
        if (selecting.isEmpty()) {
            return true;
        }
        return selecting.stream()
                .flatMap(p -> p.getSpec().getEgress().stream())
                .anyMatch(rule -> peersMatch(rule.getTo(), to) && portsMatch(rule.getPorts(), protocol, port));
    }

    /** The policies of a type that select a pod of the namespace. */
    List<NetworkPolicy> selecting(Map<String, String> pod, String type) {
        return policies.stream()
                .filter(p -> p.getSpec().getPolicyTypes().contains(type))
                .filter(p -> selects(p.getSpec().getPodSelector(), pod))
                .toList();
    }

    private static boolean peersMatch(List<NetworkPolicyPeer> peers, Map<String, String> pod) {
        if (peers == null || peers.isEmpty()) {
            return true;
        }
        for (NetworkPolicyPeer peer : peers) {
            LabelSelector ns = peer.getNamespaceSelector();
            LabelSelector ps = peer.getPodSelector();
            boolean matches;
            if (peer.getIpBlock() != null) {
                matches = true; // an address range may cover anything
            } else if (ns == null) {
                matches = pod != null && (ps == null || selects(ps, pod)); // this namespace only
            } else if (pod == null) {
                matches = true; // a pod elsewhere has labels we cannot know: assume it matches
            } else {
                matches = isEmpty(ns) && (ps == null || selects(ps, pod));
            }
            if (matches) {
                return true;
            }
        }
        return false;
    }

    private static boolean portsMatch(List<NetworkPolicyPort> ports, String protocol, int port) {
        if (ports == null || ports.isEmpty()) {
            return true;
        }
        for (NetworkPolicyPort p : ports) {
            String proto = p.getProtocol() == null ? "TCP" : p.getProtocol();
            IntOrString n = p.getPort();
            if (proto.equals(protocol) && (n == null || (n.getIntVal() != null && n.getIntVal() == port))) {
                return true;
            }
        }
        return false;
    }

    private static boolean isEmpty(LabelSelector s) {
        return (s.getMatchLabels() == null || s.getMatchLabels().isEmpty())
                && (s.getMatchExpressions() == null || s.getMatchExpressions().isEmpty());
    }

    static boolean selects(LabelSelector selector, Map<String, String> labels) {
        if (labels == null) {
            return false;
        }
        if (selector.getMatchLabels() != null
                && !labels.entrySet().containsAll(selector.getMatchLabels().entrySet())) {
            return false;
        }
        if (selector.getMatchExpressions() != null) {
            for (LabelSelectorRequirement r : selector.getMatchExpressions()) {
                String value = labels.get(r.getKey());
                boolean ok = switch (r.getOperator()) {
                    case "In" -> value != null && r.getValues().contains(value);
                    case "NotIn" -> value == null || !r.getValues().contains(value);
                    case "Exists" -> value != null;
                    case "DoesNotExist" -> value == null;
                    default -> throw new IllegalArgumentException("operator " + r.getOperator());
                };
                if (!ok) {
                    return false;
                }
            }
        }
        return true;
    }
}
