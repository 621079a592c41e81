import '@testing-library/jest-dom/vitest';
import { cleanup } from '@testing-library/react';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { network } from './render';

// A request no test answered fails the test instead of leaving the process.
beforeAll(() => {
  network.listen({ onUnhandledRequest: 'error' });
});

afterEach(() => {
  cleanup();
  network.resetHandlers();
});

afterAll(() => {
  network.close();
});
