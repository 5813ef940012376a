package org.colossus.server.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Which H2 URLs name a file this process owns, and so get a clean-close marker beside it. */
class JdbcStoreUrlTest {
    @Test
    void h2File_fileUrls_resolveToTheDatabaseBasePath() {
        assertThat(JdbcStore.h2File("jdbc:h2:file:/d/colossus")).isEqualTo(Path.of("/d/colossus"));
        assertThat(JdbcStore.h2File("jdbc:h2:file:/d/colossus;DB_CLOSE_DELAY=0")).isEqualTo(Path.of("/d/colossus"));
        assertThat(JdbcStore.h2File("jdbc:h2:/d/x/../colossus")).isEqualTo(Path.of("/d/colossus"));
        assertThat(JdbcStore.h2File("jdbc:h2:~/colossus"))
                .isEqualTo(Path.of(System.getProperty("user.home"), "colossus").toAbsolutePath().normalize());
        assertThat(JdbcStore.h2File("jdbc:h2:./colossus")).isEqualTo(Path.of("colossus").toAbsolutePath());
    }

    @Test
    void h2File_memoryAndServerUrls_haveNoFile() {
        assertThat(JdbcStore.h2File("jdbc:h2:mem:test")).isNull();
        assertThat(JdbcStore.h2File("jdbc:h2:tcp://host/~/colossus")).isNull();
        assertThat(JdbcStore.h2File("jdbc:h2:file:")).isNull();
    }
}
