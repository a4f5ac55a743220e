package dev.berth.management.error;

/** The contract's error envelope: {@code {"error": {"code": "UPPER_SNAKE", "message": "human sentence"}}}. */
record ErrorBody(Detail error) {
    record Detail(String code, String message) {
    }
}
