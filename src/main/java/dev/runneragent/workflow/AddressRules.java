package dev.runneragent.workflow;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * Which addresses the node refuses to fetch input URLs from: by default loopback, link-local, private (RFC 1918,
 * IPv6 unique-local), carrier-grade NAT, unspecified and multicast addresses, so that a caller cannot make the node
 * read its own network; plus the configured deny list, which applies even when private addresses are allowed.
 */
final class AddressRules {

    /** An address block, {@code 10.0.0.0/8} or {@code 2001:db8::/32}; a bare address is a block of one. */
    record Block(byte[] prefix, int bits, String text) {

        static Block parse(String text) {
            String trimmed = text.trim();
            int slash = trimmed.indexOf('/');
            String address = slash < 0 ? trimmed : trimmed.substring(0, slash);
            if (!address.matches("[0-9a-fA-F:.]+")) {
                throw new IllegalArgumentException(
                        "runner.workflow.url-deny-list: '" + text + "' is not an address or CIDR block");
            }
            byte[] bytes;
            try {
                bytes = InetAddress.getByName(address).getAddress(); // a literal: nothing is looked up
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException(
                        "runner.workflow.url-deny-list: '" + text + "' is not an address or CIDR block");
            }
            int bits = bytes.length * 8;
            if (slash >= 0) {
                try {
                    bits = Integer.parseInt(trimmed.substring(slash + 1));
                } catch (NumberFormatException e) {
                    bits = -1;
                }
                if (bits < 0 || bits > bytes.length * 8) {
                    throw new IllegalArgumentException("runner.workflow.url-deny-list: '" + text
                            + "' has a prefix length outside 0.." + bytes.length * 8);
                }
            }
            return new Block(bytes, bits, trimmed);
        }

        boolean contains(InetAddress address) {
            byte[] bytes = address.getAddress();
            if (bytes.length != prefix.length) {
                return false;
            }
            for (int bit = 0; bit < bits; bit++) {
                int mask = 0x80 >>> (bit % 8);
                if ((bytes[bit / 8] & mask) != (prefix[bit / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }

    private static final Block CARRIER_GRADE_NAT = Block.parse("100.64.0.0/10");
    private static final Block THIS_NETWORK = Block.parse("0.0.0.0/8");
    private static final Block BENCHMARKING = Block.parse("198.18.0.0/15");
    private static final Block RESERVED = Block.parse("240.0.0.0/4");
    private static final Block UNIQUE_LOCAL = Block.parse("fc00::/7");
    private static final Block NAT64 = Block.parse("64:ff9b::/96");
    private static final Block SIX_TO_FOUR = Block.parse("2002::/16");

    private final boolean allowPrivate;
    private final List<Block> denied;

    AddressRules(boolean allowPrivate, List<String> denyList) {
        this.allowPrivate = allowPrivate;
        List<Block> blocks = new ArrayList<>();
        for (String entry : denyList) {
            if (!entry.isBlank()) {
                blocks.add(Block.parse(entry));
            }
        }
        this.denied = List.copyOf(blocks);
    }

    /**
     * Why {@code address} may not be fetched, or null when it may. An IPv6 address that carries an IPv4 one
     * (IPv4-compatible {@code ::a.b.c.d}, NAT64 {@code 64:ff9b::/96}, 6to4 {@code 2002::/16}) is judged as that
     * IPv4 address too, so that no rule can be passed by writing the address another way.
     */
    String refusal(InetAddress address) {
        InetAddress embedded = embeddedIpv4(address);
        for (Block block : denied) {
            if (block.contains(address) || (embedded != null && block.contains(embedded))) {
                return "it is in runner.workflow.url-deny-list (" + block.text() + ")";
            }
        }
        if (allowPrivate) {
            return null;
        }
        String kind = privateKind(address);
        if (kind == null && embedded != null) {
            kind = privateKind(embedded);
        }
        return kind == null
                ? null
                : "it is a " + kind + " address, which this node does not fetch from (runner.workflow"
                        + ".allow-private-urls)";
    }

    private static String privateKind(InetAddress address) {
        if (address.isLoopbackAddress()) {
            return "loopback";
        }
        if (address.isLinkLocalAddress()) {
            return "link-local";
        }
        if (address.isAnyLocalAddress() || THIS_NETWORK.contains(address)) {
            return "unspecified";
        }
        if (address.isMulticastAddress()) {
            return "multicast";
        }
        if (address.isSiteLocalAddress() || UNIQUE_LOCAL.contains(address)) {
            return "private";
        }
        if (CARRIER_GRADE_NAT.contains(address)) {
            return "shared (carrier-grade NAT)";
        }
        if (BENCHMARKING.contains(address) || RESERVED.contains(address)) {
            return "reserved";
        }
        return null;
    }

    /** The IPv4 address an IPv6 one carries, or null. (Java already turns {@code ::ffff:a.b.c.d} into IPv4.) */
    private static InetAddress embeddedIpv4(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return null;
        }
        byte[] bytes = address.getAddress();
        int from = -1;
        if (NAT64.contains(address)) {
            from = 12;
        } else if (SIX_TO_FOUR.contains(address)) {
            from = 2;
        } else {
            boolean compatible = true;
            for (int i = 0; i < 12; i++) {
                compatible &= bytes[i] == 0;
            }
            from = compatible ? 12 : -1;
        }
        if (from < 0) {
            return null;
        }
        try {
            return InetAddress.getByAddress(java.util.Arrays.copyOfRange(bytes, from, from + 4));
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e); // four bytes are always an address
        }
    }
}
