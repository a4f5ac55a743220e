package dev.berth.core.error;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RegistryExceptionTest {
    @Test
    void takesItsProblemAndCodeFromAnOciCode() {
        RegistryException error = new RegistryException(OciErrorCode.RANGE_NOT_SATISFIABLE, null);

        assertThat(error.problem()).isEqualTo(Problem.OUT_OF_RANGE);
        assertThat(error.code()).isEqualTo("BLOB_UPLOAD_INVALID");
        assertThat(error.ociCode()).contains(OciErrorCode.RANGE_NOT_SATISFIABLE);
        assertThat(error.getMessage()).isEqualTo("requested range not satisfiable");
    }

    @Test
    void carriesTheDetailOfAnOciFailure() {
        assertThat(RegistryException.blobUnknown("sha256:x").detail()).isEqualTo(Map.of("digest", "sha256:x"));
    }

    @Test
    void namesAThrottledLoginInEachApisWordsWithItsWaitInWholeSeconds() {
        RegistryException error = RegistryException.throttled("too many failed logins", Duration.ofMillis(1500));

        assertThat(error.problem()).isEqualTo(Problem.THROTTLED);
        assertThat(error.code()).isEqualTo("TOO_MANY_REQUESTS");
        assertThat(error.ociCode()).contains(OciErrorCode.TOOMANYREQUESTS);
        assertThat(error.retryAfterSeconds()).isEqualTo(2);
        assertThat(error.getMessage()).isEqualTo("too many failed logins; retry after 2 s");
    }

    @Test
    void hasNoOciCodeWhenOnlyTheManagementPlaneMeetsIt() {
        RegistryException error = RegistryException.conflict("REGISTRY_EXISTS", "registry 'acme' already exists");

        assertThat(error.problem()).isEqualTo(Problem.CONFLICT);
        assertThat(error.code()).isEqualTo("REGISTRY_EXISTS");
        assertThat(error.ociCode()).isEmpty();
    }

    @Test
    void namesWhatWasNotFoundInItsCode() {
        RegistryException error = RegistryException.notFound("permission", "u-1 on acme");

        assertThat(error.problem()).isEqualTo(Problem.NOT_FOUND);
        assertThat(error.code()).isEqualTo("PERMISSION_NOT_FOUND");
        assertThat(error.getMessage()).isEqualTo("permission 'u-1 on acme' does not exist");
    }
}
