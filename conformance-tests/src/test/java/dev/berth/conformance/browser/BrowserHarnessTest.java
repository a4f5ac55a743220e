package dev.berth.conformance.browser;

import dev.berth.conformance.RegistryExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.openqa.selenium.By;
import org.openqa.selenium.logging.LogEntry;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The harness itself ({@link Browser}): the page is laid out at the viewport's size and the screenshot has it, and
 * what the browser tests rely on to find a broken page is caught: an error written to the console and a script the
 * page's Content-Security-Policy blocks.
 */
@BrowserTest
class BrowserHarnessTest {
    @RegisterExtension
    static final RegistryExtension registry = RegistryExtension.perClass();

    /** A page that asks to be laid out at the device's width, as the console's pages will. */
    private static final String RESPONSIVE_PAGE = "data:text/html,<!doctype html>"
            + "<meta name=viewport content='width=device-width, initial-scale=1'><title>t</title><p id=p>viewport";

    @ParameterizedTest
    @EnumSource(Viewport.class)
    void laysThePageOutAtTheViewportsSize(Viewport viewport) throws IOException {
        try (Browser browser = Browser.open(registry.process().baseUri(), viewport)) {
            browser.driver().get(RESPONSIVE_PAGE);
            browser.visible(By.id("p"));
            Object size = browser.driver().executeScript("return [window.innerWidth, window.innerHeight]");
            assertThat(size).isEqualTo(List.of((long) viewport.width(), (long) viewport.height()));

            Path png = browser.screenshot("harness-viewport");
            assertThat(png).endsWith(Path.of(viewport.directory(), "harness-viewport.png"));
            BufferedImage image = ImageIO.read(png.toFile());
            assertThat(image.getWidth()).isEqualTo(viewport.width());
            assertThat(image.getHeight()).isEqualTo(viewport.height());
            browser.assertNoConsoleErrors();
        }
    }

    @Test
    void catchesConsoleErrorsAndContentSecurityPolicyViolations() {
        try (Browser browser = Browser.open(registry.process().baseUri(), Viewport.DESKTOP)) {
            browser.open("/api/v1/docs/");
            browser.visible(By.cssSelector(".opblock"));
            browser.assertNoConsoleErrors();

            browser.driver().executeScript("console.error('harness: an error on purpose')");
            // an inline script, which the page's script-src 'self' forbids
            browser.driver().executeScript("const s = document.createElement('script');"
                    + " s.textContent = 'window.inlineRan = true'; document.body.appendChild(s);");
            assertThat(browser.driver().executeScript("return window.inlineRan === true")).isEqualTo(false);

            List<String> errors = browser.consoleErrors().stream().map(LogEntry::getMessage).toList();
            assertThat(errors).anySatisfy(m -> assertThat(m).contains("harness: an error on purpose"));
            assertThat(errors).anySatisfy(m -> assertThat(m).contains("Content Security Policy"));
            assertThatThrownBy(browser::assertNoConsoleErrors)
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("2 error(s) in the browser's console (1280x800)")
                    .hasMessageContaining("harness: an error on purpose");
        }
    }
}
