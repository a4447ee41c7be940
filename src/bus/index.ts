export { Bus, type BusOptions, type BusStats, type SubscriberStats, type SubscribeOptions, type Subscription, type BatchHandler, type OverflowPolicy } from './bus.js';
