package io.serai.health;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How many members of a load balancer ejection may keep out at once. */
class PassiveHealthSettingsTest {

    private static PassiveHealthSettings withPercent(String percent) {
        return PassiveHealthSettings.from(Map.of("serai.health.passive.max-ejection-percent", percent)::get);
    }

    @Test
    void halfOfAPoolRoundedDownButAlwaysOneOfTwoOrMoreAndNeverALoneMember() {
        PassiveHealthSettings defaults = PassiveHealthSettings.defaults();
        assertEquals(50, defaults.maxEjectionPercent());
        int[] expected = {0, 0, 1, 1, 2, 2, 3};
        for (int members = 0; members < expected.length; members++) {
            assertEquals(expected[members], defaults.ejectionCap(members), members + " members");
        }
        assertEquals(1, withPercent("10").ejectionCap(3), "10% of 3 still ejects one");
        assertEquals(0, withPercent("0").ejectionCap(5), "0 ejects none");
        assertEquals(1, withPercent("100").ejectionCap(1), "100 is no cap, a lone member too");
        assertEquals(4, withPercent("100").ejectionCap(4));
    }

    @Test
    void aPercentOutsideZeroToHundredIsRefusedNamingTheSetting() {
        String message = assertThrows(IllegalArgumentException.class, () -> withPercent("150"))
                .getMessage();
        assertTrue(message.contains("serai.health.passive.max-ejection-percent=150"), message);
    }
}
