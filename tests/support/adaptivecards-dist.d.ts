// The package's `lib` build is ESM with extensionless imports that Node cannot load; its UMD `dist` build works.
declare module 'adaptivecards/dist/adaptivecards.js' {
  export * from 'adaptivecards';
}
