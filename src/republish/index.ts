// UNS republish: live samples from the bus mirrored to MQTT at <prefix>/<tag path>. See README.md.

/** `new UnsRepublisher({ bus, config, url })`, `start()`, `health()`, `stop()`. */
export { UnsRepublisher, encodeSample, type UnsRepublisherInit, type RepublisherHealth } from './uns-republisher.js';
/** The `republish` config block (zod) and its types. */
export { republishSchema, type RepublishConfig, type RepublishConfigInput } from './config.js';
