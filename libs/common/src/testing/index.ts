export * from './wait-for';
export * from './unique';
export * from './stack';
export * from './logger';
export * from './stack-processes';
export * from './services';
export * from './pipeline-env';
export * from './group-into-parts';
