package dev.berth.conformance.browser;

/**
 * The two sizes every screen is looked at in: a laptop's window and a phone's. {@link #directory()} names the
 * folder under {@code target/screenshots} that its screenshots go to.
 */
public enum Viewport {
    /** A laptop: a 1280x800 window, the page's CSS viewport the same size. */
    DESKTOP(1280, 800, false),
    /**
     * A phone (an iPhone 12 to 15's CSS size): Chromium's mobile emulation, so that the page is laid out as on a
     * phone; see {@link Browser}.
     */
    PHONE(390, 844, true);

    private final int width;
    private final int height;
    private final boolean mobile;

    Viewport(int width, int height, boolean mobile) {
        this.width = width;
        this.height = height;
        this.mobile = mobile;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    public boolean mobile() {
        return mobile;
    }

    /** {@code 1280x800}, {@code 390x844}. */
    public String directory() {
        return width + "x" + height;
    }
}
