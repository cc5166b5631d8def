// Library entry: build or start a simulator in-process.
export { createSimulator, type Simulator, type SimulatorOptions } from './app.js';
export { loadConfig, testConfig, type Config } from './config.js';
export { startServer, type RunningSimulator } from './server.js';
export { ManualClock, systemClock, type Clock } from './clock.js';
