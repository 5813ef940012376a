package org.colossus.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ServerConfigTest {
    @Test
    void toString_databasePasswordGivenApartOrInTheUrl_isNeverPrinted() {
        ServerConfig c = ServerConfig.defaults().withDb("jdbc:postgresql://db/colossus?user=colossus&password=s3cret-1",
                "colossus", "s3cret-2");
        assertThat(c.toString()).doesNotContain("s3cret").contains("password=***", "dbPassword=***", "dbUser=colossus",
                "fleet=null", "port=8080");
        assertThat(ServerConfig.defaults().toString()).contains("dbUrl=null", "dbPassword=null");
    }
}
