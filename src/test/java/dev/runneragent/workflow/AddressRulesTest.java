package dev.runneragent.workflow;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which addresses input URLs may not point at. */
class AddressRulesTest {

    private static InetAddress at(String literal) throws Exception {
        return InetAddress.getByName(literal);
    }

    @Test
    void loopbackLinkLocalPrivateAndSpecialAddressesAreRefusedByDefault() throws Exception {
        AddressRules rules = new AddressRules(false, List.of());
        for (String address : List.of(
                "127.0.0.1",
                "127.9.9.9",
                "10.1.2.3",
                "172.16.0.1",
                "172.31.255.255",
                "192.168.1.1",
                "169.254.169.254",
                "100.64.0.1",
                "0.0.0.0",
                "224.0.0.1",
                "::1",
                "::",
                "fe80::1",
                "fd00::1",
                "::ffff:10.0.0.1",
                "::10.0.0.1",
                "64:ff9b::a00:1",
                "2002:a00:1::1",
                "198.18.0.1",
                "240.0.0.1")) {
            assertTrue(rules.refusal(at(address)) != null, address + " is refused");
        }
        assertTrue(rules.refusal(at("169.254.169.254")).contains("link-local"));
        assertTrue(rules.refusal(at("192.168.1.1")).contains("private"));
    }

    @Test
    void publicAddressesAreFetched() throws Exception {
        AddressRules rules = new AddressRules(false, List.of());
        for (String address :
                List.of("8.8.8.8", "172.32.0.1", "100.128.0.1", "2001:4860:4860::8888", "64:ff9b::808:808")) {
            assertNull(rules.refusal(at(address)), address);
        }
    }

    @Test
    void theDenyListTakesBlocksAndSingleAddressesAndAppliesAlways() throws Exception {
        AddressRules rules = new AddressRules(true, List.of("203.0.113.0/24", "198.51.100.7", "2001:db8::/32", " "));
        assertTrue(rules.refusal(at("203.0.113.200")).contains("203.0.113.0/24"));
        assertTrue(rules.refusal(at("198.51.100.7")).contains("198.51.100.7"));
        assertNull(rules.refusal(at("198.51.100.8")));
        assertTrue(rules.refusal(at("2001:db8:1::5")).contains("2001:db8::/32"));
        assertNull(rules.refusal(at("10.0.0.1")), "private addresses are allowed in this configuration");
        // An IPv4 entry also holds for the IPv6 forms that carry that address.
        assertTrue(rules.refusal(at("::ffff:203.0.113.9")).contains("203.0.113.0/24"));
        assertTrue(rules.refusal(at("::203.0.113.9")).contains("203.0.113.0/24"));
        assertTrue(rules.refusal(at("64:ff9b::cb00:7109")).contains("203.0.113.0/24"));
        assertTrue(rules.refusal(at("2002:cb00:7109::1")).contains("203.0.113.0/24"));
    }

    @Test
    void aMalformedDenyListEntryIsNamed() {
        for (String entry : List.of("example.com", "10.0.0.0/33", "10.0.0.0/x", "::/129")) {
            IllegalArgumentException error =
                    assertThrows(IllegalArgumentException.class, () -> new AddressRules(false, List.of(entry)));
            assertTrue(
                    error.getMessage().contains("runner.workflow.url-deny-list: '" + entry + "'"), error.getMessage());
        }
    }
}
