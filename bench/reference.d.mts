import type { RequestListener } from 'node:http';

export declare const DOCUMENT: {
  data: { version: string; url: string }[];
  status_code: number;
  status_message: string;
  timestamp: string;
};
export declare const bareListener: RequestListener;
