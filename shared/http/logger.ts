/** The structured JSON logger every module shares (Powertools). Level from POWERTOOLS_LOG_LEVEL. */
import { Logger } from '@aws-lambda-powertools/logger';

export const logger = new Logger({ serviceName: 'xinyidai-gov' });
